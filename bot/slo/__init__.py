"""Error budgets: SLO files, exact budget arithmetic, burn-rate alerts, findings.

Pure domain code that imports neither Slack nor a database session. The entry points:

- `loader.load_slo_file(path)` and `loader.default_slo_path(slo_file, docs_repo)`
  read SLO definitions into an `model.SloCatalog`.
- `impact.impact_of(incident, events, now)` turns a stored incident and its timeline
  into an `impact.IncidentImpact` (impact window and error ratio).
- `accounting.incident_costs(catalog, impact, history)` returns the cost of one
  incident to each SLO of its services, and `accounting.budget_status(slo, impacts,
  now)` the state of one budget over a window.
- `policy.policy_findings(costs, uncovered, has_p0_action=...)` lists the policy
  findings, and `accounting.services_without_slo(catalog, services)` the services
  no SLO covers.
- `chart.impacts_png(slo, impacts, start, end)` draws the burn-down as PNG bytes.
- `consumption.budget_by_service(catalog, impacts, since, until)` returns each
  service's largest budget share in a window, for the trends report.
- `advise.advise(catalog, history, dismissed, now=..., records_since=...)`
  proposes SLO adjustments, and `advice_text.advice_lines` lays them out.
- `text` formats the exact values for people.
"""
