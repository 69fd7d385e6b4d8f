"""volreport: the analytical report on volunteering in Kazakhstan, as a pipeline."""
