"""Public review (点赞评议): likes on qualified candidates, limits, anomaly report, voiding."""
