#pragma once

#include <QString>

#include <condition_variable>
#include <mutex>
#include <thread>

// Copies a SQLite writer's committed WAL pages into silver and gold on a thread of its own,
// with a connection of its own, so that the writer's next batch does not wait for them:
// checkpointed at every commit, they were about a third of an import's writes. A passive
// checkpoint never blocks the writer; once it has copied every frame, the writer's next
// transaction starts the WAL over.
class WalCheckpointer
{
public:
    // The writer's own WAL pages past which it checkpoints itself, should this thread fall
    // behind or fail: 64 MiB of 4 KiB pages.
    static constexpr int writerLimitPages = 16384;

    explicit WalCheckpointer(const QString &dataDir);
    // Runs a last checkpoint, then stops.
    ~WalCheckpointer();

    // A batch was committed: checkpoint soon.
    void committed();

private:
    void run();

    const QString m_dataDir;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_pending = false;
    bool m_stop = false;
    std::thread m_thread;
};
