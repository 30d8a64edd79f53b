#pragma once

#include "store/storelocation.h"

#include <QThreadPool>
#include <QThreadStorage>

#include <functional>

class MetricsQueries;

// The API's reader threads, each with its own connection: a slow answer occupies one of
// them, and neither delays the others nor the server thread. Created and destroyed on the
// server thread.
class ReaderPool
{
public:
    ReaderPool(const StoreLocation &store, int pullRequestHorizonDays, int threads);
    ~ReaderPool();

    // The calling reader thread's queries, opened on first use.
    MetricsQueries &queries();
    // Runs `work` on a reader thread.
    void start(std::function<void()> work) { m_pool.start(std::move(work)); }
    // Returns once every work started has run.
    void waitForDone() { m_pool.waitForDone(); }

private:
    StoreLocation m_store;
    int m_pullRequestHorizonDays;
    QThreadStorage<MetricsQueries *> m_queries; // deleted as each reader thread ends
    QThreadPool m_pool; // destroyed first: its threads end while m_queries exists
};
