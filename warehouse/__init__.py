"""The RBL Monitor warehouse: schema and models, the KPI registry, queries and connections."""
