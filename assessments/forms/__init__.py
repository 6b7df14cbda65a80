"""Browser forms of the assessments pages; each module names the record it serves."""
