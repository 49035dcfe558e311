from kalantar.alarms import codes


def test_contact_id_categories_and_priorities():
    assert codes.classify("ADM-CID", "130", "1").category == codes.BURGLARY
    assert codes.classify("ADM-CID", "130", "3").category == codes.RESTORE
    assert codes.classify("ADM-CID", "110", "1").priority == 1
    assert codes.classify("ADM-CID", "121", "1").category == codes.PANIC
    assert codes.classify("ADM-CID", "100", "1").category == codes.MEDICAL
    assert codes.classify("ADM-CID", "137", "1").category == codes.TAMPER
    assert codes.classify("ADM-CID", "301", "1").category == codes.TROUBLE
    assert codes.classify("ADM-CID", "401", "3").category == codes.OPENING
    assert codes.classify("ADM-CID", "602", "1").category == codes.TEST
    unknown = codes.classify("ADM-CID", "999", "1")
    assert unknown.category == codes.UNKNOWN and not unknown.known


def test_sia_categories():
    assert codes.classify("SIA-DCS", "FA").category == codes.FIRE
    assert codes.classify("SIA-DCS", "HA").category == codes.PANIC
    assert codes.classify("SIA-DCS", "BH").category == codes.RESTORE
    assert codes.classify("SIA-DCS", "RP").category == codes.TEST
    assert codes.classify("SIA-DCS", "CL").category == codes.OPENING
    assert not codes.classify("SIA-DCS", "QZ").known
    assert codes.classify("NULL", "").category == codes.HEARTBEAT


def test_only_alarm_categories_open_alarms_and_fire_outranks_burglary():
    assert codes.classify("SIA-DCS", "FA").opens_alarm
    assert not codes.classify("SIA-DCS", "OP").opens_alarm
    assert codes.classify("SIA-DCS", "FA").priority < codes.classify("SIA-DCS", "BA").priority
