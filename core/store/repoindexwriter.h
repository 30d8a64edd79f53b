#pragma once

#include <QByteArray>
#include <QString>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

struct sqlite3;

// Silver's repository index on SQLite, `events_by_repo` in a file of its own: the hour,
// the repository's key, the time and the id of every event, so that a watched scope seeks
// its repositories hour by hour. Kept in silver's own file, the index was 30 % of an
// import (measured); here a thread with its own connection writes it while the writer
// inserts silver and counts gold.
//
// A batch's entries commit before the batch's silver does, so the index never lags silver.
// An entry whose event did not commit points at nothing (readers check each event's name)
// and is written again with the event.
class RepoIndexWriter
{
public:
    explicit RepoIndexWriter(const QString &dataDir);
    // Commits nothing more, then stops.
    ~RepoIndexWriter();

    static QString path(const QString &dataDir);

    // Makes the file, and brings the index up to silver when it is behind: a store made
    // before the index had a file of its own, or one whose last commits were lost (a power
    // cut). Called before a writer starts, with silver's write lock held so that silver
    // stands still; `indexed` is the sequence silver last recorded. False with `error` when
    // the index cannot be built.
    static bool catchUp(const QString &dataDir, std::optional<qint64> indexed, bool silverHasEvents,
                        QString *error);

    // An event the open batch inserted into silver.
    void add(qint64 createdAt, std::string_view repoName, qint64 eventId);
    // Hands the batch's last entries over to be committed, without waiting: the writer does
    // the rest of its batch meanwhile.
    void sendCommit();
    // Waits for the commit sendCommit() asked for: the entries' sequence number, for silver's
    // meta, or nothing with `error` when they could not be written.
    std::optional<qint64> awaitCommit(QString *error);
    // Forgets the entries not yet handed to the thread.
    void discard();

private:
    struct Entry
    {
        qint64 createdAt;
        qint64 eventId;
        quint32 keyOffset;
        quint32 keyLength;
    };
    struct Chunk
    {
        std::vector<Entry> entries;
        QByteArray keys; // the lower-case names, end to end
        bool commits = false; // the batch ends after this chunk
    };
    struct Outcome
    {
        std::optional<qint64> sequence;
        QString error;
    };

    void send(bool commits);
    void run();
    bool openConnection(QString *error);
    bool insert(const Chunk &chunk);
    Outcome finishBatch(bool ok);
    QString lastError() const;

    static constexpr size_t chunkEntries = 8192;
    const QString m_dataDir;
    sqlite3 *m_db = nullptr;
    Chunk m_open; // filled by the writer's thread
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Chunk> m_queue;
    std::deque<Outcome> m_outcomes;
    bool m_stop = false;
    std::thread m_thread;
};
