"""Turn the models into the database's tables, migration by migration (applied on every start)."""
