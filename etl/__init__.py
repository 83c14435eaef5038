"""ETL for RBL Monitor: read source files, validate, pseudonymise, model and publish the warehouse."""
