"""Programs (评选项目), their categories and cycles (评选期次) with the cycle phase machine."""
