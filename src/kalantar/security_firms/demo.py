def load(progress) -> None:
    pass
