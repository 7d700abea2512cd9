"""Programs (评选项目), their categories and cycles (评选期次) with the cycle phase machine."""


def register(app) -> None:
    """Template global `label` (enum words) and filter `period` (2026年11月)."""
    from app.programs.labels import label
    from app.programs.periods import period_label

    app.add_template_filter(period_label, "period")
    app.jinja_env.globals["label"] = label
