#include "eventstore.h"

#include "postgreseventstore.h"
#include "sqliteeventstore.h"

std::unique_ptr<EventStore> EventStore::create(const StoreLocation &location)
{
    if (location.isPostgres())
        return std::make_unique<PostgresEventStore>(location.databaseUrl);
    return std::make_unique<SqliteEventStore>(location.dataDir);
}
