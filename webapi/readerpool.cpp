#include "readerpool.h"

#include "query/metricsqueries.h"

ReaderPool::ReaderPool(const StoreLocation &store, int pullRequestHorizonDays, int threads)
    : m_store(store)
    , m_pullRequestHorizonDays(pullRequestHorizonDays)
{
    m_pool.setMaxThreadCount(threads);
    m_pool.setExpiryTimeout(-1); // threads, and their connections, live as long as the pool
}

ReaderPool::~ReaderPool()
{
    m_pool.waitForDone();
}

MetricsQueries &ReaderPool::queries()
{
    if (!m_queries.hasLocalData())
        m_queries.setLocalData(
            new MetricsQueries(m_store, m_pullRequestHorizonDays)); // opens on its first read
    return *m_queries.localData();
}
