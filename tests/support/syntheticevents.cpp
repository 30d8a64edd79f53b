#include "syntheticevents.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <array>
#include <cmath>

namespace {

struct TypeWeight
{
    const char *type;
    int weight; // per thousand
};

constexpr std::array types {
    TypeWeight {"PushEvent", 700},
    TypeWeight {"CreateEvent", 80},
    TypeWeight {"PullRequestEvent", 60},
    TypeWeight {"WatchEvent", 50},
    TypeWeight {"IssueCommentEvent", 40},
    TypeWeight {"IssuesEvent", 20},
    TypeWeight {"DeleteEvent", 20},
    TypeWeight {"ForkEvent", 15},
    TypeWeight {"PullRequestReviewEvent", 10},
    TypeWeight {"ReleaseEvent", 5},
};

constexpr int repositoryCount = 400;
constexpr int actorCount = 3000;

const char *pickType(QRandomGenerator &random)
{
    int roll = int(random.bounded(1000));
    for (const TypeWeight &entry : types) {
        if (roll < entry.weight)
            return entry.type;
        roll -= entry.weight;
    }
    return types.front().type;
}

// Log-uniform rank: popularity falls off roughly as 1/rank.
int pickRepository(QRandomGenerator &random)
{
    return int(std::pow(double(repositoryCount), random.generateDouble())) - 1;
}

QByteArray payloadFor(const char *type, QRandomGenerator &random, bool trimmed)
{
    if (qstrcmp(type, "PullRequestEvent") == 0) {
        const int roll = int(random.bounded(100));
        const char *action = roll < 50 ? "opened" : roll < 95 ? "closed" : "reopened";
        const QByteArray number = QByteArray::number(random.bounded(1, 5000));
        QByteArray pullRequest = R"(,"pull_request":{"number":)" + number;
        if (!trimmed)
            pullRequest += R"(,"body":"A change.","additions":12,"deletions":3,"merged":false)";
        pullRequest += '}';
        return QByteArray(R"({"action":")") + action + R"(","number":)" + number + pullRequest
            + "}";
    }
    if (qstrcmp(type, "PushEvent") == 0)
        return trimmed ? R"({"ref":"refs/heads/main","head":"a1","before":"b2"})"
                       : R"({"ref":"refs/heads/main","head":"a1","before":"b2","size":1,)"
                         R"("distinct_size":1,"commits":[{"sha":"a1","message":"Change"}]})";
    if (qstrcmp(type, "IssuesEvent") == 0 || qstrcmp(type, "WatchEvent") == 0)
        return R"({"action":"started"})";
    return "{}";
}

} // namespace

qint64 SyntheticEvents::idFor(qint64 index)
{
    return 40000000000LL + index;
}

namespace {

QRandomGenerator generatorFor(qint64 index, quint32 seed)
{
    return QRandomGenerator(seed ^ quint32(index * 2654435761u) ^ quint32(index >> 32));
}

SyntheticEvents::Traits drawTraits(QRandomGenerator &random)
{
    const char *type = pickType(random);
    const int repository = pickRepository(random);
    return {type, repository, int(random.bounded(actorCount))};
}

} // namespace

SyntheticEvents::Traits SyntheticEvents::traits(qint64 index, quint32 seed)
{
    QRandomGenerator random = generatorFor(index, seed);
    return drawTraits(random);
}

QByteArray SyntheticEvents::repositoryName(int repository)
{
    return "org" + QByteArray::number(repository % 37) + "/project-"
        + QByteArray::number(repository);
}

QByteArray SyntheticEvents::event(qint64 index, qint64 createdAt, quint32 seed, bool trimmed)
{
    QRandomGenerator random = generatorFor(index, seed);
    const auto [type, repository, actor] = drawTraits(random);
    const QByteArray org = "org" + QByteArray::number(repository % 37);
    const QByteArray created
        = QDateTime::fromSecsSinceEpoch(createdAt, Qt::UTC).toString(Qt::ISODate).toLatin1();
    return R"({"id":")" + QByteArray::number(idFor(index)) + R"(","type":")" + type
        + R"(","actor":{"id":)" + QByteArray::number(1000 + actor) + R"(,"login":"dev-)"
        + QByteArray::number(actor) + R"("},"repo":{"id":)"
        + QByteArray::number(500000 + repository) + R"(,"name":")" + repositoryName(repository)
        + R"("},"payload":)" + payloadFor(type, random, trimmed)
        + R"(,"public":true,"created_at":")" + created + R"(","org":{"login":")" + org + R"("}})";
}
