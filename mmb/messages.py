"""Every user-facing message of mmb's core and CLI, in one place, in plain words.

A Dutch interface will replace this module's strings; keep them whole sentences with named
placeholders (no string building elsewhere) and say what to do next.
"""

from __future__ import annotations

from collections.abc import Callable


def by_position(template: str, *names: str) -> Callable[..., str]:
    """`template.format` taking the named placeholders `names` by position, in that
    order: twice as fast as by name, for the few messages made 100,000 times a run."""
    for index, name in enumerate(names):
        template = template.replace("{" + name + "}", "{" + str(index) + "}")
    return template.format

# --------------------------------------------------------------------------- reading files
FILE_TOO_BIG = "the file is {size}, over the {limit} limit; is this the right file?"
FILE_UNREADABLE = "cannot read the file: {reason}"
FILE_BINARY = "this is a binary file, not text; put scans and photos in receipts/, not here"
FILE_NOT_UTF8 = "the file is not UTF-8 text; save it as UTF-8 in your editor"
YAML_SYNTAX = "YAML syntax error: {problem}{hint}"
YAML_TAB_HINT = " (indent with spaces, not tabs)"
YAML_ALIAS = "YAML anchors, aliases and merge keys (&, *, <<) are not allowed here; write the values out"
YAML_TOO_DEEP = "the file is nested too deeply to be a team or case file"
YAML_TAG = "YAML tag {tag} is not allowed; remove the '!' tag"
YAML_BAD_KEY = "a key must be a plain word (like `amount:`), not a list, mapping or empty value"
YAML_DUPLICATE_KEY = "`{key}` appears twice in the same place; keep one (the second is ignored)"

# --------------------------------------------------------------------------- schema
FIELD_MISSING = "{field} is missing; add it"
FIELD_UNKNOWN = "{field} is not a known field{hint}"
DID_YOU_MEAN = "; did you mean `{name}`?"
KNOWN_FIELDS = "; known here: {names}"
DATETIME_NEEDS_TIME = "{value} needs a time as well: write it as YYYY-MM-DD HH:MM"
DATETIME_BAD = "{value!r} is not a time; write it as YYYY-MM-DD HH:MM, e.g. 2026-03-02 10:40"
DATE_BAD = "{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-02"
DATE_NOT_REAL = "{value} is not a real date in the calendar"
VOTE_BAD = "{value!r} is not a vote; use approve, object or abstain (akkoord, tegen, onthouding)"
IBAN_BAD = "{value!r} is not a valid IBAN (the check digits do not match); copy it from the bank"
AMOUNT_ZERO = "the amount must be more than zero"
TEAM_EMPTY = "team.yaml is empty; run `mmb init` for a commented example"
TEAM_NOT_MAPPING = "team.yaml must be a mapping of fields (name:, members:, ...), not a list or text"
CASE_EMPTY = "the case file is empty; it needs id, opened, requested_by, household, category, amount and purpose"
CASE_NOT_MAPPING = "a case file must be a mapping of fields (id:, opened:, ...), not a list or text"
DEFAULTS_NOT_MAPPING = "mmb.yaml must be a mapping of fields (rules:, categories:, ...)"
MEMBER_DUPLICATE = "member id `{id}` is used twice; each member needs their own id"
MEMBER_UNTIL_BEFORE_SINCE = "member `{id}`: `until` is before `since`"
BUDGET_DUPLICATE = "the budget for {year} is listed twice; merge them (use top_ups for additions)"
CATEGORY_DUPLICATE = "category `{category}` is listed twice"
SOLVED_BY_MISSING = "outcome solved_otherwise needs `solved_by`: say what solved it (e.g. bijzondere bijstand)"

#: Plain words for pydantic's error types; the field name is put in front.
PYDANTIC_PLAIN: dict[str, str] = {
    "string_type": "should be text",
    "string_too_short": "should not be empty",
    "string_too_long": "is too long (at most {max_length} characters)",
    "string_pattern_mismatch": "does not have the expected form ({pattern})",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "int_from_float": "should be a whole number",
    "greater_than_equal": "should be at least {ge}",
    "less_than_equal": "should be at most {le}",
    "bool_type": "should be true or false",
    "bool_parsing": "should be true or false",
    "list_type": "should be a list (lines starting with '- ')",
    "dict_type": "should be a mapping of fields",
    "model_type": "should be a mapping of fields",
    "model_attributes_type": "should be a mapping of fields",
    "enum": "should be one of: {expected}",
    "literal_error": "should be one of: {expected}",
    "too_short": "needs at least {min_length} item(s)",
    "decimal_type": "should be an amount",
}

# --------------------------------------------------------------------------- rules
NOBODY = "nobody"
VOTE_NOT_MEMBER = "not a member of the team"
VOTE_INACTIVE = "not a member on {day} ({period})"
PERIOD_BOTH = "member from {since} until {until}"
PERIOD_SINCE = "member from {since}"
PERIOD_UNTIL = "member until {until}"
VOTE_REQUESTER = "the requester cannot vote on their own case"
VOTE_BEFORE_OPENED = "cast before the case was opened ({opened})"
VOTE_AFTER_DECISION = "cast after the decision ({at})"
VOTE_REPEAT = "the same member voted again later (the later vote counts)"
VOTE_NOT_COUNTED = "vote by `{member}` does not count: {reason}"
QUORUM = ("approved with {count} valid approval(s), but the quorum is {quorum} "
          "(counted: {counted}{ignored}); record the missing votes or correct the decision")
NOT_COUNTED = "not counted: {votes}"
ESCALATION = ("approved {amount}, above {above}, without an approve vote from a member with "
              "role `{role}`; ask them to vote before approving")
VETO = "approved despite an objection under the team's veto rule (objected: {members})"
APPROVED_NO_AMOUNT = "approved without `amount`; add the approved amount (requested {requested})"
APPROVED_ZERO = "approved amount is zero; use outcome rejected or solved_otherwise instead"
APPROVED_ABOVE_REQUEST = "approved {amount} is more than the {requested} requested; correct one of them"
DECIDED_BEFORE_OPENED = "decided at {at}, before the case was opened at {opened}"
DECIDED_IN_FUTURE = "decided at {at}, which is in the future; check the date"
SLOW_DECIDED = "decided {took} after opening; the team aims for {hours} hours"
SLOW_PENDING = "waiting for a decision for {took}; the team aims for {hours} hours"
DURATION_HOURS = "{hours} hours"
DURATION_DAYS = "{days} days"
UNKNOWN_MEMBER = "`{member}` is not a member in team.yaml (members: {known})"
UNKNOWN_CATEGORY = "category `{category}` is not in team.yaml (categories: {known})"
PERSONAL_DATA = ("`{field}` contains what looks like {kind} ({masked}); cases must stay "
                 "anonymous: remove it")
ID_NOT_FILE_NAME = "case id {id} differs from the file name {stem}.yaml; make them the same"
ID_DUPLICATE = "case id {id} is also used by {other}; give each case its own id"
CAP_EXCEEDED = ("household {household} receives {total} {period} with this approval, over "
                "the {cap} cap by {over} ({earlier})")
CAP_PERIOD_YEAR = "in {year}"
CAP_PERIOD_ROLLING = "in the 365 days up to {day}"
CAP_PERIOD_EVER = "in total"
EARLIER = "earlier: {cases}"
EARLIER_NONE = "no earlier approvals"
BUDGET_EXCEEDED = ("approving {amount} brings {year}'s approvals to {total}, over the "
                   "{available} available by {over}")
BUDGET_NONE = "team.yaml has no budget for {year}; add it under `budget:`"

# --------------------------------------------------------------------------- folders, CLI
NO_TEAM_HERE = ("no team folder at or above {folder} (a team folder has team.yaml); "
                "use -C PATH or run `mmb init`")
NO_TEAMS_BELOW = ("{folder} holds no team folder (a folder with team.yaml); "
                  "give a team or municipality folder, or run `mmb init`")
NOT_A_TEAM = "{folder} is not a team folder (it has no team.yaml); run `mmb init {folder}` to make one"
FOLDER_MISSING = "{folder} does not exist"
NOT_A_FOLDER = "{folder} is a file; give a team or municipality folder"
INTERNAL_ERROR = ("mmb hit an internal error ({kind}); no file was changed. Please report "
                  "this with the command you ran.")
VALIDATE_SUMMARY = "{teams} team(s), {cases} case(s): {errors} error(s), {warnings} warning(s)"
VALIDATE_CLEAN = "{teams} team(s), {cases} case(s): no problems found"
INIT_EXISTS = "{folder} already holds team.yaml; nothing was changed"
INIT_DONE = "Created team folder {folder}. Next: edit team.yaml (members, budget, account)."
SCHEMA_WRITTEN = "wrote {path}"
STATUS_NO_BUDGET = "No budget for {year} in team.yaml."
STATUS_BUDGET = "Budget {budget}, approved {approved} in {count} case(s),"
STATUS_LEFT = "left {left}"
STATUS_NONE_WAITING = "No cases waiting for a decision."
STATUS_WAITING = "Waiting for a decision ({count}):"
STATUS_WAITING_ROW = "{id}  {category}  {amount}  {hours} h old  {approvals}/{quorum} approvals"
STATUS_HEADROOM = "  household may still receive {headroom}"
STATUS_PROBLEMS = "{count} error(s) in the files: run `mmb validate` for details."

# --------------------------------------------------------------------------- editing
LOCK_HELD = "another mmb command is writing in the team folder {path}; wait for it to finish and try again"
LOCK_CANNOT_CREATE = "cannot create the lock file {path}: {reason}"
FILE_CHANGED = "{path} changed on disk while mmb was working (a git pull or an editor?); nothing was written: run the command again"
FILE_EXISTS = "{path} already exists; nothing was written"
EDIT_UNREADABLE = "cannot open {path} for editing: {reason}"

# --------------------------------------------------------------------------- actions
REFUSED = "refused, nothing was written:\n  - {reasons}"
REFUSE_PERSONAL_DATA = "{field} contains what looks like {kind} ({masked}); cases must stay anonymous: leave it out"
ALREADY_DECIDED = "case {id} was already decided ({outcome} at {at}); edit the file if the decision must change"
VOTE_BEFORE_DECISION = "case {id} was decided ({outcome}) at {at}; a vote dated before that would change a recorded decision"
LATER_CASE_OVER = "a later approval, case {id}, would then be over the limit: {message}"
NUMBERS_VOTES = "votes: {count} of {quorum} needed count ({counted}); not counted: {ignored}"
NUMBERS_CAP = "household {household}: {total} approved in the cap period so far, cap {cap}, room {room}"
NUMBERS_BUDGET = "budget {year}: {available} available, {spent} approved, {left} left"
CASE_NOT_FOUND = "there is no case {id} in cases/; `mmb status` lists the open cases"
CASE_HAS_PROBLEMS = "{path} has problems; fix them first ({problems})"
TEAM_HAS_PROBLEMS = "{path} has problems; fix them first ({problems})"
OPTION_TIME_BAD = "{option} {value!r} is not a time; write YYYY-MM-DD HH:MM"
OPTION_AMOUNT_ZERO = "{option} must be more than zero"
OPTION_UNKNOWN_MEMBER = "{option}: `{member}` is not a member in team.yaml (members: {known})"
OPTION_INACTIVE_MEMBER = "`{member}` is not a member of the team on {day} (see since/until in team.yaml)"
OPTION_UNKNOWN_CATEGORY = "category `{category}` is not in team.yaml (categories: {known})"
OPTION_IN_FUTURE = "{option} is in the future"
OPTION_EMPTY = "{option} must not be empty"
OPTION_VOTE_BAD = "{value!r} is not a vote; use approve, object or abstain (akkoord, tegen, onthouding)"
OPTIONS_MISSING = "missing: {options} (give them as options; mmb only asks on a terminal)"
CHAT_UNKNOWN_CASE = "names case {id}, which is not in cases/"
CHAT_CASE_BROKEN = "names case {id}, whose file has problems (run mmb validate)"
CHAT_VOTE_NOTE = "from chat export {source}"
HOUSEHOLD_EMPTY = "give the client number to make a household code for"
HOUSEHOLD_NO_SECRET = "no household secret yet: run `mmb household --new-secret` once (it is kept in {path}, outside the repository), or set MMB_HOUSEHOLD_SECRET"
HOUSEHOLD_SECRET_UNREADABLE = "cannot read the household secret {path}: {reason}"
HOUSEHOLD_SECRET_SHORT = "the household secret in {path} is too short (at least 16 characters)"
HOUSEHOLD_SECRET_EXISTS = "a household secret already exists in {path}; it was kept (a new one would change every code)"

# --------------------------------------------------------------------------- CLI output
CASE_CREATED = "Created case {id} ({path})."
CASE_HOUSEHOLD = "Household {household} has received {total} {period}; room under the cap: {room}."
CASE_HOUSEHOLD_NO_CAP = "Household {household} has received {total} {period} (no cap)."
VOTE_RECORDED = "Recorded: {member} {vote} on case {id} at {at}. Approvals that count: {approvals} of {quorum}."
VOTE_WONT_COUNT = "Warning (MMB102): this vote will not count: {reason}."
DECIDED_APPROVED = "Approved case {id}: {amount} at {at} (approvals: {approvals})."
DECIDED_OTHER = "Recorded case {id} as {outcome} at {at}."
DECIDED_CAP = "Household {household} now has {total} in the cap period (cap {cap})."
DECIDED_BUDGET = "Budget {year} left: {left}."
IMPORT_RECORDED = "{verb} {count} vote(s):"
IMPORT_RECORDED_ROW = "  {id}  {member:<12} {vote:<8} {at}  (chat line {line})"
IMPORT_ALREADY = "{count} vote(s) were already recorded."
IMPORT_NOT_RECORDED = "Not attributed or not recorded ({count}); handle these by hand:"
IMPORT_NOT_RECORDED_ROW = "  {at}  {sender}  (chat line {line}): {reason}{excerpt}"
IMPORT_NOTHING = "No votes found that name a case id."
HOUSEHOLD_SECRET_CREATED = "Created the household secret in {path}. Share it only with colleagues who make household codes; never put it in git."

# --------------------------------------------------------------------------- ledger.csv
LEDGER_TOO_BIG = "ledger.csv is larger than 200 MB; is this the right file?"
LEDGER_NOT_UTF8 = "ledger.csv is not UTF-8 text; save it as 'CSV UTF-8' in your spreadsheet"
LEDGER_NO_HEADER = "ledger.csv has no header row; the first row must name the columns"
LEDGER_HEADER = "ledger.csv header: missing columns {missing}; unknown columns {unknown} (expected: {expected})"
LEDGER_CSV_ERROR = "ledger.csv cannot be read as CSV here ({reason}); check for an unclosed quote"
LEDGER_SHORT_ROW = "this row has {count} cells, the header has {expected}; fill the empty cells or remove the row"
LEDGER_BAD_DATE = "date {value!r} is not a date; write YYYY-MM-DD"
LEDGER_BAD_KIND = "kind {value!r} is not known; use one of: {kinds}, or leave it empty for a case payment"
LEDGER_NOTE_OTHER = "kind `other` needs a note saying what the money was for"
LEDGER_NOTE_MISSING = "receipt `missing` needs a note saying why there is no receipt"
L_UNKNOWN_PARTY = "unknown party"
L_UNKNOWN_CASE = "case {id} does not exist in cases/; correct the case column"
L_PENDING = "pending"
L202 = "money out on {date} ({amount}, {who}) has neither a case nor a kind; link it to a case or set its kind"
L203 = "payments for case {id} now total {paid}, over the {approved} approved by {over}; check the row or the approval"
L204_NOT_APPROVED = "payment for case {id}, which is not approved ({state}); link it to the right case"
L204_BEFORE = "payment for case {id} on {date}, before its approval on {decided}"
L205 = "payment of {date} ({amount}, case {id}) has no receipt after {days} days (the team allows {grace}); add it under receipts/ or write `missing` with a note"
L205_GRACE = "payment of {date} ({amount}, case {id}) is waiting for its receipt ({left} day(s) left)"
L206_OUTSIDE = "receipt {path} is not under receipts/; receipts must be files inside the team's receipts/ folder"
L206_ABSENT = "receipt {path} does not exist; check the file name"
L206_LINK_OUT = "receipt {path} is a link to a file outside receipts/; copy the file in instead"
L206_SHARED = "receipt {path} is used for case {id} and also for case {other} (row {row}); one receipt cannot prove payments of two cases"
L207 = "balance {balance} on {date} does not follow from the row before (row {prev}): expected {expected}, {gap} unexplained; an export for the period in between is probably missing"
L208 = "cash withdrawal on {date} ({amount}); the team does not allow cash (allow_cash: false): explain it in the note or buy in kind"
L209 = "case {id} was approved {days} days ago and nothing is paid yet (warning after {limit} days)"
L201_MISSING = "transaction of {date} ({amount}) is not in ledger.csv; run `mmb reconcile`"
L201_NOT_IN_SOURCE = "this row says it came from {source}, but that export does not hold it; check the row against the export"

# --------------------------------------------------------------------------- reconcile
R_FOREIGN_ACCOUNT = "{source} is an export of {accounts}, which is not an account of this team (team.yaml `accounts`); remove the file or add the account"
R_WRITE_FAILED = "cannot write {path} ({reason}); it was left as it was: free some disk space or check the folder's permissions, then run the command again"
R_WRITER_ENDED = "the process writing it ended unexpectedly"
R_LEDGER_BROKEN = "ledger.csv has problems that stop the import; fix them first ({problems})"
R_CASE_PAYMENT = "payment for case {id}"
R_NO_EXPORTS = "No bank exports in bank/. Download the team account's transactions (CSV, CAMT.053 or MT940) into bank/ and run mmb reconcile again."
R_EXPORT_ROW = "  {source}: {format}, {count} transaction(s), {new} new"
R_IMPORTED = "Imported {new} new transaction(s) of {total} in {files} export(s)."
R_CHECK_IMPORT = "{new} transaction(s) in bank/ are not in ledger.csv yet."
R_CLASSIFIED = "Recognised {count} row(s): {detail}."
R_LINKED = "Linked {count} payment(s) to cases: {detail}."
R_RECEIPTS = "Linked receipts to {count} payment(s)."
R_PROPOSALS = "{count} payment(s) could be for more than one case; run mmb reconcile on a terminal to choose, or fill the case column:"
R_PROPOSAL_ROW = "  row {row}: {date} {amount} {who}: {cases}"
R_BALANCE = "Account {account}: bank balance {bank}, computed from the ledger {computed}{state}."
R_BALANCE_OK = " (they agree)"
R_BALANCE_DIFF = " (they differ by {diff}: see MMB207 below)"
R_SPENT = "Spent on cases in {year} by category: {detail}."
R_OPEN = "Still open ({count}):"
R_OPEN_ROW = "  {code} x{count}: {hint}"
R_ALL_CLEAR = "Nothing open: every transaction is in the ledger, linked and has its receipt."
R_HINTS = {"MMB201": "ledger and exports disagree: run mmb reconcile, or check the rows named",
           "MMB202": "money out without a case or kind: fill the case or kind column",
           "MMB203": "a case paid more than approved: check the links or the approval",
           "MMB204": "payment for a case that is not approved: correct the case column",
           "MMB205": "payments waiting for a receipt: put the file in receipts/ named after the case (e.g. 2026-014-bon.jpg; mmb links it when the case has one payment waiting) or fill the receipt column",
           "MMB206": "broken receipt references: fix the receipt column",
           "MMB207": "balances do not chain: an export for a period is probably missing from bank/",
           "MMB208": "cash withdrawals: explain them in the note",
           "MMB209": "approved but not paid for a long time: pay, or record the case as withdrawn"}
R_CHOOSE = "Payment of {date} {amount} to {who}: which case? {options} (Enter to skip)"
STATUS_SPENT = "Paid out for cases (ledger.csv): {spent}."
STATUS_UNPAID = "Approved, not paid yet ({count}):"
STATUS_UNPAID_ROW = "{id}  {amount}  approved {days} day(s) ago"
STATUS_NO_RECEIPT = "Payments without receipt ({count}):"
STATUS_NO_RECEIPT_ROW = "ledger.csv row {row}: {day}  {amount}  case {id}  ({days} day(s) ago)"
R_MORE = "  ... and {count} more: `mmb validate` lists them all."

# --------------------------------------------------------------------------- bank exports
# Each starts with {where}: the file, zip member and line (`mmb.banks.base.Source.where`),
# names what is wrong in plain words and says what to do.
BANK_CANNOT_OPEN = "{where}: cannot be read ({reason}). Check that the file exists and that you may read it."
BANK_TOO_LARGE = "{where}: the file is {size_mb} MB; mmb reads bank exports of at most {limit_mb} MB. Download a shorter period."
BANK_EMPTY = "{where}: the file is empty. Download the export from your bank again."
BANK_UNKNOWN_FORMAT = "{where}: this is not a bank export mmb can read. mmb reads: {formats}. Download the transactions of the team account again in one of these formats and replace this file."
BANK_OTHER_EXPORT = "{where}: this is {what}, not the transactions of a current account. Download the transactions (af- en bijschrijvingen) of the team account instead."
BANK_INTERNAL = "{where}: mmb could not read this {format_name} file ({reason}). The file may be damaged: download it again. If that does not help, report this message to the mmb maintainers."
BANK_CSV_BROKEN = "{where}: the CSV is damaged ({reason}). The file was probably cut off or edited in a spreadsheet; download the export again."
BANK_NO_HEADER_COLUMN = "{where}: the header of this {format_name} file has no column {column!r}. The file was probably edited; download the export again."
BANK_TOO_FEW_COLUMNS = "{where}: this row has {found} columns where the {format_name} export has {expected}. The file looks cut off or edited; download the export again."
BANK_TOO_MANY_COLUMNS = "{where}: this row has {found} columns where the {format_name} export has {expected}. A text probably holds an unquoted separator, or the file was edited; download the export again."
BANK_BAD_ROW = "{where}: this line does not have the layout of a {format_name} export. The file looks cut off or edited; download the export again."
BANK_BAD_AMOUNT = "{where}: {value!r} ({column}) is not an amount as the {format_name} export writes them (e.g. {example}). The file looks damaged or edited; download the export again."
BANK_BAD_DATE = "{where}: {value!r} ({column}) is not a valid date written as {pattern}. The file looks damaged or edited; download the export again."
BANK_BAD_VALUE = "{where}: {value!r} ({column}) should be one of {allowed}. The file looks damaged or edited; download the export again."
BANK_XML_BROKEN = "{where}: the XML is damaged ({reason}); the file looks cut off. Download the statement again."
BANK_XML_FORBIDDEN = "{where}: the XML declares a document type or entities ({reason}). Bank statements never do, so mmb refuses to read it. Download the statement again from your bank."
BANK_XML_MISSING = "{where}: this CAMT.053 {element_kind} has no {element}. The file looks damaged or edited; download the statement again."
BANK_MT940_NO_STATEMENT = "{where}: no MT940 statement found (no :20: ... :62F: block). Download the statement again."
BANK_MT940_MISSING_TAG = "{where}: the MT940 statement that starts here has no {what} ({tag}); the file looks cut off. Download the statement again."
BANK_MT940_BAD_TAG = "{where}: cannot read the MT940 {tag} line {value!r}. The file looks damaged or edited; download the statement again."
BANK_ZIP_BROKEN = "{where}: the zip file is damaged ({reason}). Download it again."
BANK_ZIP_UNSAFE = "{where}: the zip holds an entry with an unsafe name or type ({name!r}); mmb refuses such zips. Download the export again from your bank."
BANK_ZIP_TOO_BIG = "{where}: the zip holds more than {limit_mb} MB or more than {limit_members} files once unpacked; mmb refuses it. Download a shorter period."
BANK_ZIP_ENCRYPTED = "{where}: the zip is password protected ({name!r}). Unpack it yourself and put the statement files in bank/."
BANK_ZIP_EMPTY = "{where}: the zip holds no statement files. Download the export again."
BANK_ZIP_NESTED = "{where}: the zip holds another zip ({name!r}). Unpack it and put the statement files in bank/."
BANK_ZIP_MIXED = "{where}: the zip mixes different export formats ({formats}). Put each export in bank/ as a file of its own."
#: The {what} of BANK_OTHER_EXPORT: exports recognisably not a current account's transactions.
BANK_OTHER_ING_SAVINGS = "an ING savings-account export"
BANK_OTHER_ING_BALANCE_HISTORY = "an ING balance history"
BANK_OTHER_RABOBANK_CREDIT_CARD = "a Rabobank credit-card export"
#: The format name of an export read from a zip (the readers' names are bank product names).
BANK_FORMAT_IN_ZIP = "{format_name} (zip)"
#: Joins the allowed values in BANK_BAD_VALUE: 'af' or 'bij'.
BANK_ALLOWED_OR = " or "
# The {column} of the messages above for exports without a header line (the other readers
# name the column as the file's header does).
BANK_COLUMN_DATE = "date"
BANK_COLUMN_AMOUNT = "amount"
BANK_COLUMN_BALANCE = "balance"
BANK_COLUMN_DEBIT_CREDIT = "debit/credit"
BANK_COLUMN_TRANSACTION_DATE = "transaction date"
BANK_COLUMN_BOOKING_DATE = "booking date"
BANK_COLUMN_JOURNAL_DATE = "journal date"
BANK_COLUMN_START_BALANCE = "start balance"
BANK_COLUMN_END_BALANCE = "end balance"
BANK_COLUMN_BALANCE_BEFORE = "balance before"
BANK_MT940_TAG_DATE = ":{tag}: date"
BANK_MT940_TAG_AMOUNT = ":{tag}: amount"
# The {what} of BANK_MT940_MISSING_TAG.
BANK_MT940_ACCOUNT = "account"
BANK_MT940_OPENING_BALANCE = "opening balance"
BANK_MT940_CLOSING_BALANCE = "closing balance"
# The {element_kind} and {element} of BANK_XML_MISSING.
BANK_CAMT_FILE = "file"
BANK_CAMT_STATEMENT = "statement"
BANK_CAMT_BALANCE = "balance"
BANK_CAMT_ENTRY = "entry"
BANK_CAMT_NO_STATEMENT = "statement (BkToCstmrStmt/Stmt)"
BANK_CAMT_NO_ACCOUNT = "account (Acct/Id/IBAN)"
BANK_CAMT_NO_BOOKING_DATE = "booking date (BookgDt)"

# --------------------------------------------------------------------------- WhatsApp chat exports
# {file} is the export's path (for a zip: "chat.zip (_chat.txt)").
CHAT_CANNOT_READ = "{file}: cannot read the chat export ({detail})"
CHAT_TOO_BIG = "{file}: the chat export is {size} MB, over the {limit} MB that mmb reads; export the chat again without media, or pass only the .txt inside"
CHAT_ZIP_TOO_BIG = "{file}: the zip is {size} MB, over the {limit} MB that mmb opens; export the chat again without media"
CHAT_EMPTY = "{file}: the chat export is empty; export the chat again from WhatsApp"
CHAT_BINARY = "{file}: this is not a text file; pass the .txt or .zip that WhatsApp exported"
CHAT_NOT_UTF8 = "{file}:{line}: this is not UTF-8 text; pass the file exactly as WhatsApp exported it"
CHAT_NO_MESSAGES = "{file}: no WhatsApp messages found (no line starts with a date and time, like '[22-11-2026 14:05:09] Name: text' or '22-11-2026 14:05 - Name: text'); pass the .txt or .zip that WhatsApp exported"
CHAT_BAD_ZIP = "{file}: this zip cannot be read ({detail}); export the chat again"
CHAT_ZIP_NO_TXT = "{file}: the zip holds no chat text (_chat.txt or one .txt file); export the chat again"
CHAT_ZIP_MANY_TXT = "{file}: the zip holds several .txt files ({names}) and no _chat.txt; unzip it and pass the chat's .txt file"
#: The {detail} of CHAT_BAD_ZIP.
CHAT_ZIP_ENCRYPTED = "it is password-protected"
CHAT_ZIP_COMPRESSION = "it uses a compression method mmb cannot read"
CHAT_ZIP_DAMAGED = "it is damaged or not a zip"
# Why a message that looks like a vote was not attributed (IMPORT_NOT_RECORDED_ROW {reason}).
CHAT_REASON_SYSTEM = "system message, not a vote"
CHAT_REASON_MEDIA = "photo, file or location, not a text vote"
CHAT_REASON_QUESTION = "a question, not a vote"
CHAT_REASON_NOT_MEMBER = "sender not a member"
CHAT_REASON_NO_CASE = "no case id"
CHAT_REASON_SHORT_CASE = "case id not clear ({found}; a case id has three digits, like {example})"
CHAT_REASON_TWO_CASES = "two case ids ({ids})"
CHAT_REASON_MANY_CASES = "{count} case ids ({ids})"
CHAT_REASON_UNCLEAR = "vote word unclear ({words})"
CHAT_REASON_LONG = "long message ({count} words); read it and record the vote by hand"

# --------------------------------------------------------------------------- CLI prompts and words
CLI_NOW_BAD = "MMB_NOW={value!r} is not YYYY-MM-DD HH:MM"
CLI_INTERRUPTED = "interrupted"
# Questions `mmb case new` and `mmb household` ask on a terminal for a missing option.
ASK_REQUESTED_BY = "Requested by (member id)"
ASK_HOUSEHOLD = "Household code"
ASK_CATEGORY = "Category"
ASK_AMOUNT = "Amount (euros)"
ASK_PURPOSE = "Purpose (no names or numbers)"
ASK_CLIENT_NUMBER = "Client number"
#: The {verb} of IMPORT_RECORDED, with and without --dry-run.
IMPORT_VERB_DRY_RUN = "Would record"
IMPORT_VERB_RECORDED = "Recorded"
#: The {excerpt} of IMPORT_NOT_RECORDED_ROW, when the message has text.
IMPORT_EXCERPT = ' "{excerpt}"'

# --------------------------------------------------------------------------- amounts
# Why an amount cannot be read exactly (`mmb.money.parse_money`); the caller adds where.
MONEY_BOOL = "expected an amount in euros, got true/false"
MONEY_NOT_FINITE = "expected an amount in euros"
MONEY_FLOAT = 'amount was read as a binary float; write it as text, e.g. "149,95"'
MONEY_EXPECTED = 'expected an amount in euros, e.g. 149.95 or "149,95"'
MONEY_DECIMALS = "{value} has more than two decimals; amounts are in whole cents"
MONEY_NEGATIVE = "{value} is negative; amounts are written as positive numbers"
MONEY_NOT_AMOUNT = "{raw!r} is not an amount; write e.g. 149,95"
MONEY_NOT_GROUPED = "{raw!r} is not an amount; write e.g. 1.234,56"
MONEY_MIXED = "{raw!r} mixes separators in a way that is not an amount"
MONEY_AMBIGUOUS = "{raw!r} is ambiguous (thousands or three decimals?): write {whole}{frac} for {whole}{frac} euros; amounts have at most two decimals"

# --------------------------------------------------------------------------- public report: the report key (issue 14a)
# `mmb report --public` adds noise keyed with a secret of the municipality (mmb.report_sdc).
REPORT_KEY_MISSING = "a public report needs the municipality's report key, and there is none for {folder}: make it once with `mmb report {where} --new-key` (in the folder that holds all the municipality's teams); it writes {name} there, readable only by you and never put in git. If someone else already made the key for these teams, copy their file to {name} instead: two keys for the same teams let a reader average the noise away"
REPORT_KEY_MIXED = "the teams below {folders} have different report keys ({first} and {second}); make one public report per municipality folder, or use one key for all of them"
REPORT_KEY_READABLE = "the report key {path} can be read by other users ({mode}); run `chmod 600 {path}` and try again"
REPORT_KEY_NOT_FILE = "the report key {path} is not a regular file; remove it and copy the key file there"
REPORT_KEY_BAD = "the report key {path} is damaged (expected one line of at least 32 hexadecimal characters); copy the key file again from whoever made it"
REPORT_KEY_UNREADABLE = "cannot read the report key {path}: {reason}"
REPORT_KEY_EXISTS = "there is already a report key for {folder}: {path}; it was kept (a second key would let a reader average the noise away)"
REPORT_KEY_NOT_FOLDER = "cannot make a report key in {folder}: it is not a folder"
REPORT_KEY_ONE_FOLDER = "--new-key makes the key in one folder; give only the municipality folder"
REPORT_KEY_WITH_OPTIONS = "--new-key only makes the key; run `mmb report --public` afterwards"
REPORT_KEY_FAILED = "cannot write the report key in {folder}: {reason}"
REPORT_KEY_CREATED = "Created the report key {path} (readable only by you; .mmb/ is ignored by git). Every public report of the teams below {folder} uses it. Keep a copy somewhere safe: a new key later gives every figure new noise, and a reader who has reports made with both keys can average the noise away."
