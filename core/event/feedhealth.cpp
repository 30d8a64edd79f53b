#include "event/feedhealth.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

const ReferenceMix &ReferenceMix::builtIn()
{
    static const ReferenceMix mix = [] {
        QFile file(u":/reference/reference_mix.json"_s);
        QString error;
        ReferenceMix loaded
            = file.open(QIODevice::ReadOnly) ? fromJson(file.readAll(), &error) : ReferenceMix();
        Q_ASSERT_X(!loaded.shares.isEmpty(), "ReferenceMix", "reference_mix.json is compiled in");
        return loaded;
    }();
    return mix;
}

ReferenceMix ReferenceMix::fromJson(const QByteArray &json, QString *error)
{
    const QJsonArray samples = QJsonDocument::fromJson(json).object().value("samples"_L1).toArray();
    ReferenceMix mix;
    if (samples.isEmpty()) {
        *error = u"no samples in the reference mix"_s;
        return mix;
    }
    QList<QHash<QString, double>> sampleShares;
    QSet<QString> types;
    for (const QJsonValue &value : samples) {
        const QJsonObject sample = value.toObject();
        const QJsonObject counts = sample.value("types"_L1).toObject();
        double total = 0;
        for (auto it = counts.begin(); it != counts.end(); ++it)
            total += it.value().toDouble();
        QHash<QString, double> shares;
        for (auto it = counts.begin(); it != counts.end(); ++it) {
            shares.insert(it.key(), total > 0 ? it.value().toDouble() / total : 0);
            types.insert(it.key());
        }
        sampleShares.append(shares);
        mix.provenance << u"%1 (%2 events, %3)"_s.arg(sample.value("name"_L1).toString())
                              .arg(qint64(total))
                              .arg(sample.value("url"_L1).toString());
    }
    for (const QString &type : std::as_const(types)) {
        double least = 1;
        for (const QHash<QString, double> &shares : std::as_const(sampleShares))
            least = std::min(least, shares.value(type));
        mix.shares.insert(type, least);
    }
    return mix;
}

double FeedHealth::poissonLowerTail(qint64 k, double lambda)
{
    if (k < 0)
        return 0;
    // Terms in log space: lambda reaches the hundreds of thousands for a GH Archive hour.
    double sum = 0;
    double logTerm = -lambda; // log P(X = 0)
    for (qint64 i = 0; i <= k; ++i) {
        if (i > 0)
            logTerm += std::log(lambda) - std::log(double(i));
        sum += std::exp(logTerm);
    }
    return std::min(sum, 1.0);
}

QStringList FeedHealth::degradedTypes(const QHash<QString, qint64> &counts,
                                      const ReferenceMix &reference)
{
    qint64 total = 0;
    for (const qint64 count : counts)
        total += count;
    QStringList degraded;
    for (auto it = reference.shares.cbegin(); it != reference.shares.cend(); ++it) {
        if (it.value() < minimumReferenceShare)
            continue;
        const double expected = it.value() * double(total);
        const qint64 observed = counts.value(it.key());
        if (double(observed) < expected * degradedRatio
            && poissonLowerTail(observed, expected) < significance)
            degraded << it.key();
    }
    std::sort(degraded.begin(), degraded.end());
    return degraded;
}

int FeedHealth::lagBucket(qint64 lagSeconds)
{
    const auto end = std::upper_bound(std::begin(lagBucketEnds), std::end(lagBucketEnds),
                                      std::max<qint64>(lagSeconds, 0));
    return int(end - std::begin(lagBucketEnds));
}

qint64 FeedHealth::lagPercentile(const QList<qint64> &histogram, double p)
{
    qint64 total = 0;
    for (const qint64 count : histogram)
        total += count;
    if (total == 0)
        return -1;
    qint64 cumulative = 0;
    for (qsizetype bucket = 0; bucket < histogram.size(); ++bucket) {
        cumulative += histogram[bucket];
        if (double(cumulative) >= p * double(total))
            return lagBucketEnds[std::min<qsizetype>(bucket, lagBucketCount - 2)];
    }
    return lagBucketEnds[lagBucketCount - 2];
}
