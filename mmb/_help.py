"""`mmb --help`, pre-rendered: importing Typer and building the command tree takes longer
than the 80 ms `mmb --help` may. tests/test_startup.py fails when this differs from what
Typer renders; regenerate it with:

    python -c "from mmb.cli import render_top_help; print(repr(render_top_help()))"
"""

TOP_HELP = "Usage: mmb [OPTIONS] COMMAND [ARGS]...\n\n  Bookkeeping over plain files for Mini-Maatwerkbudget teams.\n\nOptions:\n  -V, --version  Show the version and exit.\n  --help         Show this message and exit.\n\nCommands:\n  validate   Check every rule over the team folders (for CI).\n  init       Create a team folder: a commented team.yaml, cases/, bank/,...\n  schema     JSON Schema of team.yaml, case files and mmb.yaml, for editor...\n  status     Budget left, cases waiting for votes or a decision, approvals,...\n  vote       Record a vote on a case.\n  approve    Approve a case after checking quorum, household cap, budget,...\n  reject     Record that the team rejected a case.\n  resolve    Record that a case was solved another way, without money from...\n  withdraw   Record that a request was withdrawn.\n  reopen     Reopen a decided case: the decision moves to the case's...\n  household  Print the team's pseudonymous household code for a client...\n  reconcile  Import every export in bank/ into ledger.csv (once, however...\n  pay        Pay approved cases' payees: a SEPA transfer file (pain.001)...\n  report     The year-end account of a team, or the figures of many teams;...\n  case       Open cases.\n  votes      Votes from chat exports.\n"
