"""mmb: plain-file bookkeeping for Dutch Mini-Maatwerkbudget teams."""

__version__ = "0.1.0"
