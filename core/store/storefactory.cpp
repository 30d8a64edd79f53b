#include "storefactory.h"

#include "postgreseventstore.h"
#include "sqliteeventstore.h"

std::unique_ptr<EventStore> StoreFactory::eventStore(const StoreLocation &location)
{
    if (location.isPostgres())
        return std::make_unique<PostgresEventStore>(location.databaseUrl);
    return std::make_unique<SqliteEventStore>(location.dataDir);
}
