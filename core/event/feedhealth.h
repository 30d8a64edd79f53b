#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <iterator>

// Where a batch of events came from, read from its bronze file's name: which source, which
// hour it measures and when its events arrived. Every measurement of a source is kept by
// (hour, source), so the same bronze file always measures the same.
struct SourceOrigin
{
    // "feed-p1", "feed-p2", "feed-p3": the global /events feed by page (positions 1-100,
    // 101-200, 201-300 at per_page=100); "repository": a watched repository's own feed;
    // "organization": a watched organization's;
    // "archive": a GH Archive hour; "import": any other imported file.
    QString source;
    qint64 hour = -1; // epoch seconds of the hour measured; -1: each event's created_at hour
    qint64 arrivedAt = -1; // when this source carried the events; -1 when unknown
    bool isRequest = false; // one HTTP request of the source (a page)
    QString feed; // a watched feed's page: the feed ("owner/name", or an organization)
    bool missedBefore = false; // the feed's poll ended on it without reaching the poll before

    bool isLive() const
    {
        return source.startsWith(QLatin1StringView("feed"))
            || source == QLatin1StringView("repository")
            || source == QLatin1StringView("organization");
    }
};

// The type mix of a healthy, complete record of GitHub: each type's reference share is the
// smallest of its shares in real GH Archive samples filed before 2025-05-24. Kept as data,
// with its provenance, in reference_mix.json.
struct ReferenceMix
{
    QHash<QString, double> shares;
    QStringList provenance; // a line per sample

    static const ReferenceMix &builtIn();
    // Per sample {"types": {type: count}}; the share of a type absent from a sample is 0.
    static ReferenceMix fromJson(const QByteArray &json, QString *error);
};

// Degradation, measured: the same test for every source and era, never a date.
namespace FeedHealth {

// Types rarer than this in the reference are too rare to test.
constexpr double minimumReferenceShare = 0.005;
// "Far below": under a third of the reference share...
constexpr double degradedRatio = 1.0 / 3.0;
// ...and that few by chance, from a source with the reference mix, less likely than this.
constexpr double significance = 0.001;

// P(X <= k) for X ~ Poisson(lambda).
double poissonLowerTail(qint64 k, double lambda);
// The types of `counts` (by type) that lie far below the reference, sorted by name.
QStringList degradedTypes(const QHash<QString, qint64> &counts,
                          const ReferenceMix &reference = ReferenceMix::builtIn());

// Arrival lag in buckets of a histogram: bucket i holds lags below lagBucketEnds[i] seconds
// (and at least the end of bucket i - 1); the last bucket is open.
constexpr qint64 lagBucketEnds[]
    = {30,       60,       120,       300,   600,       1800,      3600,      7200,
       4 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 30 * 86400};
constexpr int lagBucketCount = int(std::size(lagBucketEnds)) + 1;
int lagBucket(qint64 lagSeconds);
// The lag under which a share `p` of the histogram's events arrived: the end of the bucket
// where the cumulative count reaches p (so never an underestimate); -1 for no events, and
// the last end for the open bucket.
qint64 lagPercentile(const QList<qint64> &histogram, double p);

// An archive file is filed by created_at when this share of its events was created inside
// its hour (pre-2025-05-24 files: all of them; crawl-hour files: a fraction).
constexpr double filedByCreationShare = 0.99;
// An archive hour with fewer events than this share of the median of the hours before it
// lost volume (GH Archive's 2025-10-09 drop was 100x).
constexpr double minimumVolumeShare = 0.1;

} // namespace FeedHealth
