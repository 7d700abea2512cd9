"""Programs (评选项目), their categories and cycles (评选期次) with the cycle phase machine."""


def register(app) -> None:
    """Template filter `period` (2026年11月, 2026年第三季度)."""
    from app.programs.periods import period_label

    app.add_template_filter(period_label, "period")
