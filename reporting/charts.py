"""Charts as inline SVG, drawn on the server: no JavaScript, no CDN, crisp when printed.

Every chart has a table beside it on the page with the same numbers, and distinguishes its series by line
style and labels, never by colour alone (WCAG 1.4.1).
"""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reporting.numbers import format_share

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 48
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


def _y(percent: float) -> float:
    return TOP + PLOT_H * (1 - percent / 100)


def _svg(title: str, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg class="report-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}" '
        f'font-family="system-ui, sans-serif" font-size="11">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _percent_axis() -> list[str]:
    parts = []
    for percent in (0, 25, 50, 75, 100):
        y = _y(percent)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#ccc" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{percent} %</text>'
        )
    return parts


def monthly_share_chart(title: str, rows) -> SafeString:
    """Bars: the month's share; a dashed black line across each bar: the milestone in force."""
    body = _percent_axis()
    count = max(len(rows), 1)
    slot = PLOT_W / count
    bar = min(slot * 0.6, 40)
    for index, row in enumerate(rows):
        x = LEFT + slot * index + (slot - bar) / 2
        label = row.period.start.strftime("%m-%y")
        if row.share is not None:
            percent = row.share * 100
            body.append(
                f'<rect x="{x:.1f}" y="{_y(percent):.1f}" width="{bar:.1f}" '
                f'height="{PLOT_H * percent / 100:.1f}" fill="#1f5fa8">'
                f"<title>{escape(label)}: {escape(format_share(row.share))}</title></rect>"
            )
        else:
            body.append(f'<text x="{x + bar / 2:.1f}" y="{_y(0) - 4:.1f}" text-anchor="middle">–</text>')
        if row.target_percent is not None:
            y = _y(row.target_percent)
            body.append(
                f'<line x1="{x - 4:.1f}" x2="{x + bar + 4:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#000" '
                f'stroke-width="2" stroke-dasharray="4 2"/>'
            )
        if count <= 13 or index % 2 == 0:
            body.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    # Translated outside the f-string: xgettext (makemessages) does not look inside f-strings.
    actual, milestone = escape(_("Faktisk andel")), escape(_("Milepæl"))
    body.append(
        f'<rect x="{LEFT}" y="{HEIGHT - 18}" width="12" height="10" fill="#1f5fa8"/>'
        f'<text x="{LEFT + 16}" y="{HEIGHT - 9}">{actual}</text>'
        f'<line x1="{LEFT + 150}" x2="{LEFT + 170}" y1="{HEIGHT - 13}" y2="{HEIGHT - 13}" stroke="#000" '
        f'stroke-width="2" stroke-dasharray="4 2"/>'
        f'<text x="{LEFT + 176}" y="{HEIGHT - 9}">{milestone}</text>'
    )
    return _svg(title, body)


def survival_chart(title: str, survival: dict) -> SafeString:
    """Kaplan–Meier step curves by absence week: solid line workplace-first, dashed line the rest."""
    last_week = 52
    for group in survival.values():
        if group["steps"]:
            last_week = max(last_week, min(group["steps"][-1].week, 104))

    def x(week: float) -> float:
        return LEFT + PLOT_W * min(week, last_week) / last_week

    body = _percent_axis()
    week_word = escape(_("uge"))
    for week in range(0, last_week + 1, 13):
        body.append(
            f'<text x="{x(week):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
            f"{week_word} {week}</text>"
        )
    styles = {"workplace": 'stroke-width="2.5"', "other": 'stroke-width="2" stroke-dasharray="6 4"'}
    legend_x = LEFT
    for key, group in survival.items():
        points = []
        previous = 100.0
        for step in group["steps"]:
            percent = step.survival * 100
            points.append(f"{x(step.week):.1f},{_y(previous):.1f}")
            points.append(f"{x(step.week):.1f},{_y(percent):.1f}")
            previous = percent
        points.append(f"{x(last_week):.1f},{_y(previous):.1f}")
        if group["cases"]:
            body.append(f'<polyline fill="none" stroke="#000" {styles[key]} points="{" ".join(points)}"/>')
        body.append(
            f'<line x1="{legend_x}" x2="{legend_x + 24}" y1="{HEIGHT - 13}" y2="{HEIGHT - 13}" stroke="#000" '
            f"{styles[key]}/>"
            f'<text x="{legend_x + 30}" y="{HEIGHT - 9}">'
            f"{escape(str(group['label']))} (n = {group['cases']})</text>"
        )
        legend_x += 290
    return _svg(title, body)


def distribution_chart(title: str, rows: list[dict]) -> SafeString:
    """Horizontal bars: closed cases by absence week of closing."""
    body = []
    most = max([row["cases"] for row in rows] + [1])
    band = PLOT_H / max(len(rows), 1)
    for index, row in enumerate(rows):
        y = TOP + band * index
        label = (
            format_html("{} {}–{}", _("uge"), row["first_week"], row["last_week"])
            if row["last_week"]
            else format_html("{} {}+", _("uge"), row["first_week"])
        )
        width = (PLOT_W - 80) * row["cases"] / most
        body.append(
            f'<text x="{LEFT + 40}" y="{y + band / 2 + 4:.1f}" text-anchor="end">{label}</text>'
            f'<rect x="{LEFT + 48}" y="{y + band * 0.2:.1f}" width="{width:.1f}" height="{band * 0.6:.1f}" '
            f'fill="#1f5fa8"/>'
            f'<text x="{LEFT + 52 + width:.1f}" y="{y + band / 2 + 4:.1f}">{row["cases"]}</text>'
        )
    return _svg(title, body)
