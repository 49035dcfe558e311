"""Open311 GeoReport v2: the service list, service definitions, reporting and status for
citizens' applications, in JSON and XML (the format is the URL's suffix).

Reads are public, as the standard expects, so the public list holds only complaints about
public space (categories marked publishable: noise, hazards), never a complaint about a person
or an officer (nothing routed to inspection, nothing naming an officer). A request shows only
what anyone may see: the category, the one-line summary, the handling unit, the dates, the
street of the address (never an alley, plaque or any number: `addresses.public_street`) and
the location rounded to 3 decimals (about 100 m). Never a name, national code, phone number or
the narrative. A request of another category is answered only to the API key that filed it.

Requests are known by their Open311 id (`Complaint.open311_id`), random and unrelated to the
tracking code: the tracking code is the citizen's key to the status page and is never
published. Reporting needs an API key (`kalantar create_open311_key`), limited per key
(OPEN311_FILING_RATE); each report is filed through `complaints.services.file_complaint`.

Reports are registered at once, so services are of type "realtime" and POST returns the
Open311 id as service_request_id. The token resource still answers: a request's token is its
Open311 id, which needs no shared state between processes.

`jurisdiction_id` is optional; when given it must be a province code (e.g. "HM") and limits
reads to that province and reports to places inside it.

The package: `parsing` turns a call's parameters into checked values (pure), `selectors`
read, `services` file a report, `keys` issue, revoke and look up API keys, `serializers` turn
records into the standard's documents and bytes (pure), `errors` are the standard's error
answers, `views` tie each call to one selector or service, `urls` mount them.
"""
