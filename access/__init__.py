"""The one gate: every question of who may see or do what in Concord is answered in this package.

- `plans`: what one person may do with one plan (`PlanAccess`, both layers read once, pure predicates) and
  which plans a person may see (`plans_visible_to`, `visible_plan_ids`).
- `grants`: the only writer of the agencies' grants on plans (guardian object permissions).
- `audience`: the reverse question, which agencies (and which of their people) may see a plan.
- `plan_rows`: the one-statement SQL reads of the plan API, tested equal to the ORM form.
- `agencies`: what a person may do with an agency, its members and its buildings.
- `actors`: `SYSTEM`, the explicit actor of seeding, data generators and fixtures (never a request).
- `sensitive_reads`: the audit row for every read of law-enforcement-sensitive content.
- `http`: how web pages and API views ask the gate (404 for what may not be seen, 403 for a refusal).

Nothing outside this package queries the grant tables or writes a visibility filter of its own;
tests/security/test_one_gate.py fails if anything does.
"""
