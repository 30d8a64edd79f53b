#include "store/storefactory.h"

#include "store/clickhouseeventstore.h"
#include "store/postgreseventstore.h"
#include "store/sqliteeventstore.h"

std::unique_ptr<EventStore> StoreFactory::eventStore(const StoreLocation &location)
{
    if (location.isClickHouse())
        return std::make_unique<ClickHouseEventStore>(location.databaseUrl);
    if (location.isPostgres())
        return std::make_unique<PostgresEventStore>(location.databaseUrl);
    return std::make_unique<SqliteEventStore>(location.dataDir);
}
