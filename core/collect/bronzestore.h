#pragma once

#include "collect/githubprotocol.h"
#include "event/feedhealth.h"

#include <QDateTime>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QUrl>

// Where and how one page was fetched, kept beside it in a `.meta.json` sidecar.
struct PageLineage
{
    QUrl url; // never carries the token: it travels in a header
    int status = 0;
    int page = 1;
    QByteArray etag;
    RateLimitInfo rateLimit;
    QDateTime fetchedAt;
    // The last page of a poll that shared no event with the poll before: the feed moved
    // further than the pages read, so events between the two were missed.
    bool missedBefore = false;
};

// Bronze: raw bytes on disk, written atomically, never modified afterwards.
//   <root>/bronze/events/YYYY/MM/DD/events_<yyyyMMddTHHmmsszzz>Z_p<page>.json
//   <root>/bronze/repos/<owner>/<name>/YYYY/MM/DD/{events,pulls,stars}_<...>Z_p<page>.json
//   <root>/bronze/orgs/<organization>/YYYY/MM/DD/events_<...>Z_p<page>.json
//   <root>/bronze/archive/YYYY/MM/DD/HH.json.gz, a GH Archive hour, with a .meta.json
//   <root>/bronze/imports/<file>
//   <root>/bronze/rejected/<...>.body with a .meta.json giving the reason
class QFile;

class BronzeStore
{
public:
    explicit BronzeStore(const QString &dataRoot);

    // Returns the page's path, or an empty string with `error` set. `folder` is "events",
    // "repos/<owner>/<name>" or "orgs/<organization>"; `kind` names the file: "events",
    // "pulls" or "stars".
    QString storePage(const QByteArray &body, const PageLineage &lineage, const QString &folder,
                      QString *error, const QString &kind = QStringLiteral("events"));
    bool storeRejected(const QByteArray &body, const PageLineage &lineage, const QString &reason);

    // Registers a file for import and returns its bronze path: bronze's own copy (a
    // reflink where the filesystem can), named by a hash of its content, so the same
    // content registered twice gives the same path. A file that changes while it is
    // copied is refused.
    QString registerImport(const QString &sourcePath, QString *error);
    // Whether the disk has room for copies of all of `sourcePaths`; `error` says how
    // much is missing when it has not.
    bool hasRoomFor(const QStringList &sourcePaths, QString *error) const;

    // Where the GH Archive file of the hour starting at `hour` goes.
    QString archivePath(const QDateTime &hour) const;
    // Moves a downloaded (and verified) archive file into place, with its URL and SHA-256
    // in its sidecar. Returns its path, or an empty string with `error`, also when
    // `expectedSha256` (hex) is given and the bytes do not have it.
    QString storeArchive(const QString &downloaded, const QDateTime &hour, const QUrl &url,
                         const QByteArray &expectedSha256, QString *error);
    // An archive hour that retention removed: its sidecar stays, to fetch it again.
    struct ArchiveLineage
    {
        QDateTime hour;
        QUrl url;
        QByteArray sha256; // hex
    };
    QList<ArchiveLineage> removedArchiveHours() const;
    // The ids of the events on the newest `pages` event pages stored under `folder`
    // ("events", "repos/<owner>/<name>"...): what a poller saw last, before a restart.
    QSet<qint64> recentEventIds(const QString &folder, int pages) const;
    // The latest hour in bronze/archive/; invalid when there is none.
    QDateTime latestArchiveHour() const;
    // Bytes that bronze/archive/ holds.
    qint64 archiveBytes() const;

    const QString &root() const { return m_root; }

    // Every bronze page and import, oldest page first, then archive hours in time order,
    // then imports by name: a rebuild meets the live feed's events before the archive's.
    QStringList listSources() const;

    // Relative to the data root; how silver names its sources.
    QString sourceKey(const QString &path) const;

    // Deletes event pages fetched, and archive hours that ended, more than `days` days
    // before `now`; returns how many. An archive hour keeps its sidecar, so that a
    // rebuild can fetch it again.
    int applyRetention(int days, const QDateTime &now);

    static bool isPage(const QString &path);
    static bool isArchive(const QString &path);
    // The hour a whole GH Archive file holds, from its name (bronze/archive/, or an import
    // named as GH Archive names its files: 2025-01-01-15.json.gz); invalid otherwise.
    static QDateTime archiveHourOf(const QString &path);
    static bool isPullRequestPage(const QString &path);
    // A page of a watched repository's star history.
    static bool isStarHistoryPage(const QString &path);
    // A repository's counts, GET /repos/{owner}/{name}: repo_*.json.
    static bool isRepositoryCountsPage(const QString &path);
    // "owner/name" of a page under bronze/repos/, else empty.
    static QString repositoryOf(const QString &path);
    // The organization of a page under bronze/orgs/, else empty.
    static QString organizationOf(const QString &path);
    // The source a bronze file measures, from its name: a page's feed and position and the
    // time it was fetched, an archive file's hour, or an import. A watched feed's page also
    // reads its sidecar, for whether its poll missed events.
    static SourceOrigin originOf(const QString &path);

private:
    static QByteArray copyHashing(QFile &input, QFile &output, QString *error);
    QString m_root;
};
