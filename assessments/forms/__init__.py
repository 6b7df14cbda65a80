"""Browser forms of the assessments: they collect what the user typed; the services decide the rules."""
