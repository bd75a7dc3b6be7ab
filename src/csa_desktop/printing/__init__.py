"""ReportLab documents: the plan on a page, the agreement, local plans."""
