#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QtEndian>

#include <algorithm>
#include <vector>

// Event counts by key (a gold repository or type id) over one period, as gold stores
// them: a BLOB of (key, count << 6 | second) pairs, little-endian uint32 each, sorted by
// key then second. A minute's block keeps the second of each count, so that windows are
// exact to the second without reading silver; hour and day blocks keep second 0.
namespace CountBlock {

struct Entry
{
    quint32 key = 0;
    quint32 packed = 0;

    static Entry of(quint32 key, quint32 count, int second)
    {
        return {key, count << 6 | quint32(second)};
    }
    quint32 count() const { return packed >> 6; }
    int second() const { return int(packed & 63); }
    bool operator<(const Entry &other) const
    {
        return key != other.key ? key < other.key : second() < other.second();
    }
};

constexpr qsizetype entrySize = 8;

// Division rounded down, before 1970 too.
constexpr qint64 floorDiv(qint64 value, qint64 divisor)
{
    return value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);
}

constexpr qint64 minuteOf(qint64 epochSecond)
{
    return floorDiv(epochSecond, 60);
}

inline qsizetype size(QByteArrayView block)
{
    return block.size() / entrySize;
}

inline Entry at(QByteArrayView block, qsizetype index)
{
    const char *data = block.data() + index * entrySize;
    return {qFromLittleEndian<quint32>(data), qFromLittleEndian<quint32>(data + 4)};
}

// `entries` sorted by key and second, with no key and second twice.
QByteArray encode(const std::vector<Entry> &entries);
// `entries` sorted, and those with the same key and second summed: ready to encode.
std::vector<Entry> combined(std::vector<Entry> entries);
// The two blocks summed; with `dropSeconds` every count moves to second 0.
QByteArray merge(QByteArrayView a, QByteArrayView b, bool dropSeconds = false);
// The blocks summed by key, their seconds dropped: an hour from its minutes, a day from its hours.
QByteArray rollUp(QList<QByteArray> blocks);

} // namespace CountBlock

// Counts summed by key over many blocks, then ranked. Dense by key: gold ids are small
// and adding is an array increment; only the keys touched are reset afterwards.
class KeyCounts
{
public:
    void add(quint32 key, quint32 count)
    {
        if (key >= m_counts.size())
            m_counts.resize(size_t(key) + size_t(key) / 4 + 1024, 0);
        if (m_counts[key] == 0)
            m_touched.push_back(key);
        m_counts[key] += count;
    }
    // Seconds [firstSecond, lastSecond] of every entry of `block`.
    void addBlock(QByteArrayView block, int firstSecond = 0, int lastSecond = 59);
    // The seconds of the block of epoch minute `minute` that lie in [from, to]: a window's
    // partial minute at either edge, or all of a minute inside it.
    void addMinuteBlock(QByteArrayView block, qint64 minute, qint64 from, qint64 to)
    {
        addBlock(block, int(std::max<qint64>(0, from - minute * 60)),
                 int(std::min<qint64>(59, to - minute * 60)));
    }

    quint32 count(quint32 key) const { return key < m_counts.size() ? m_counts[key] : 0; }
    const std::vector<quint32> &keys() const { return m_touched; }
    // The keys with the `limit` highest counts, and every key tied with the last of them,
    // highest first; ties are left for the caller to break.
    std::vector<quint32> topWithTies(size_t limit);
    void clear();

private:
    std::vector<quint32> m_counts;
    std::vector<quint32> m_touched;
};
