"""Browser data-entry forms for village secretaries and township staff, one module per topic.

Forms only collect input; every rule is the service's, whose errors the view puts back onto these fields
(see branches.forms for the shared parts)."""
