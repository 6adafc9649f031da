"""The viewer side: public viewer API and its hot path, the /view page, scan analytics."""
