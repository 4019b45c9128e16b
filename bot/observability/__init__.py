"""What operators watch: Prometheus metrics (`prometheus`) and JSON log lines (`logs`)."""
