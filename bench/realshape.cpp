#include "realshape.h"

#include <QDateTime>
#include <QFile>

#include <zlib.h>

#include <array>
#include <cmath>

namespace {

// A well-mixed 64-bit hash: the event's random numbers, without generator state.
quint64 mix(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

class Dice
{
public:
    explicit Dice(qint64 index)
        : m_state(quint64(index) * 0x2545f4914f6cdd1dULL)
    {
    }
    quint64 next() { return mix(m_state++); }
    double unit() { return double(next() >> 11) * 0x1.0p-53; }
    qint64 below(qint64 bound) { return qint64(next() % quint64(bound)); }

private:
    quint64 m_state;
};

struct TypeWeight
{
    const char *type;
    int perMille;
};

// About GitHub's public mix in 2025.
constexpr std::array typeMix {
    TypeWeight {"PushEvent", 620},       TypeWeight {"CreateEvent", 100},
    TypeWeight {"WatchEvent", 50},       TypeWeight {"IssueCommentEvent", 50},
    TypeWeight {"PullRequestEvent", 40}, TypeWeight {"DeleteEvent", 40},
    TypeWeight {"IssuesEvent", 30},      TypeWeight {"PullRequestReviewEvent", 30},
    TypeWeight {"ForkEvent", 20},        TypeWeight {"ReleaseEvent", 10},
    TypeWeight {"GollumEvent", 5},       TypeWeight {"MemberEvent", 5},
};

const char *pickType(Dice &dice)
{
    qint64 roll = dice.below(1000);
    for (const TypeWeight &entry : typeMix) {
        if (roll < entry.perMille)
            return entry.type;
        roll -= entry.perMille;
    }
    return typeMix.front().type;
}

// Words for payload text: JSON-safe, so the generator needs no escaping.
const QByteArray &prose()
{
    static const QByteArray text = [] {
        const char *words[] = {"fix",    "the",   "build", "update",   "readme",  "merge",
                               "branch", "tests", "into",  "add",      "support", "for",
                               "bump",   "deps",  "docs",  "refactor", "parser",  "cache"};
        QByteArray text;
        Dice dice(-1);
        while (text.size() < 8192)
            text += QByteArray(words[dice.below(std::size(words))]) + ' ';
        return text;
    }();
    return text;
}

QByteArray proseOf(Dice &dice, qint64 maxLength)
{
    const qint64 length = dice.below(maxLength);
    return prose().mid(dice.below(prose().size() - maxLength), length);
}

QByteArray hex40(Dice &dice)
{
    QByteArray hex;
    for (int i = 0; i < 3; ++i)
        hex += QByteArray::number(dice.next(), 16).rightJustified(16, '0');
    return hex.left(40);
}

QByteArray payloadFor(const char *type, Dice &dice, qint64 repoId, bool text)
{
    if (!text) {
        const char *action = qstrcmp(type, "PullRequestEvent") != 0 ? "started"
            : dice.below(4) == 0                                    ? "opened"
                                                                    : "closed";
        return R"({"action":")" + QByteArray(action) + R"(","number":)"
            + QByteArray::number(1 + dice.below(5000)) + "}";
    }
    const QByteArray number = QByteArray::number(1 + dice.below(5000));
    if (qstrcmp(type, "PullRequestEvent") == 0) {
        // A quarter are openings: 1 % of all events.
        const qint64 roll = dice.below(100);
        const char *action = roll < 25 ? "opened" : roll < 90 ? "closed" : "reopened";
        return R"({"action":")" + QByteArray(action) + R"(","number":)" + number
            + R"(,"pull_request":{"title":")" + proseOf(dice, 60) + R"(","body":")"
            + proseOf(dice, 3000) + R"("}})";
    }
    if (qstrcmp(type, "IssuesEvent") == 0 || qstrcmp(type, "IssueCommentEvent") == 0)
        return R"({"action":"opened","issue":{"number":)" + number + R"(,"body":")"
            + proseOf(dice, 2400) + R"("}})";
    if (qstrcmp(type, "PushEvent") == 0)
        return R"({"repository_id":)" + QByteArray::number(repoId) + R"(,"push_id":)"
            + QByteArray::number(dice.below(qint64(1) << 40))
            + R"(,"ref":"refs/heads/main","head":")" + hex40(dice) + R"(","before":")" + hex40(dice)
            + R"(","commits":[{"sha":")" + hex40(dice) + R"(","message":")" + proseOf(dice, 2400)
            + R"("}]})";
    return R"({"action":"started","description":")" + proseOf(dice, 1200) + R"("})";
}

} // namespace

EventGenerator::EventGenerator(const Shape &shape, qint64 startSecond)
    : m_shape(shape)
    , m_start(startSecond)
{
}

qint64 EventGenerator::createdAt(qint64 index) const
{
    return m_start + index * 60 / m_shape.eventsPerMinute;
}

QByteArray EventGenerator::event(qint64 index) const
{
    Dice dice(index);
    const char *type = pickType(dice);
    QByteArray name;
    qint64 repoId;
    if (dice.unit() < m_shape.tailShare) {
        const qint64 x = dice.below(30000000);
        repoId = 100000000 + x;
        name = "u" + QByteArray::number(x) + "/t" + QByteArray::number(x % 997);
    } else {
        const double offset = m_shape.rankOffset;
        const double span = std::log((double(m_shape.popularRepositories) + offset) / offset);
        const auto rank = qint64(std::exp(dice.unit() * span) * offset - offset);
        repoId = 1000000 + rank;
        name = "org" + QByteArray::number(rank % 20011) + "/repo-" + QByteArray::number(rank);
    }
    const QByteArray actor = QByteArray::number(1000 + dice.below(2000000));
    const QByteArray login = "dev" + actor;
    const QByteArray created
        = QDateTime::fromSecsSinceEpoch(createdAt(index), Qt::UTC).toString(Qt::ISODate).toLatin1();
    return R"({"id":")" + QByteArray::number(60000000000LL + index) + R"(","type":")" + type
        + R"(","actor":{"id":)" + actor + R"(,"login":")" + login + R"(","display_login":")" + login
        + R"(","gravatar_id":"","url":"https://api.github.com/users/)" + login
        + R"(","avatar_url":"https://avatars.githubusercontent.com/u/)" + actor
        + R"(?"},"repo":{"id":)" + QByteArray::number(repoId) + R"(,"name":")" + name
        + R"(","url":"https://api.github.com/repos/)" + name + R"("},"payload":)"
        + payloadFor(type, dice, repoId, m_shape.payloadText) + R"(,"public":true,"created_at":")"
        + created + R"("})";
}

bool EventGenerator::write(const QString &path, qint64 first, qint64 count) const
{
    const bool gzip = path.endsWith(QLatin1StringView(".gz"));
    QFile plain(path);
    gzFile compressed = nullptr;
    if (gzip)
        compressed = gzopen(QFile::encodeName(path).constData(), "wb1");
    else if (!plain.open(QIODevice::WriteOnly))
        return false;
    if (gzip && !compressed)
        return false;
    QByteArray buffer;
    bool ok = true;
    for (qint64 i = first; i < first + count && ok; ++i) {
        buffer += event(i) + '\n';
        if (buffer.size() > (1 << 22) || i == first + count - 1) {
            ok = gzip ? gzwrite(compressed, buffer.constData(), unsigned(buffer.size())) > 0
                      : plain.write(buffer) == buffer.size();
            buffer.clear();
        }
    }
    if (gzip)
        ok = gzclose(compressed) == Z_OK && ok;
    return ok;
}
