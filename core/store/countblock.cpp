#include "store/countblock.h"

#include <algorithm>

namespace CountBlock {

namespace {

// Appends `entry`, adding it to the last entry when both have the same key and second.
void append(std::vector<Entry> &out, Entry entry)
{
    if (!out.empty() && out.back().key == entry.key && out.back().second() == entry.second())
        out.back().packed += entry.count() << 6;
    else
        out.push_back(entry);
}

Entry withoutSecond(Entry entry)
{
    return {entry.key, entry.packed & ~quint32(63)};
}

} // namespace

QByteArray encode(const std::vector<Entry> &entries)
{
    QByteArray block(qsizetype(entries.size()) * entrySize, Qt::Uninitialized);
    char *data = block.data();
    for (const Entry &entry : entries) {
        qToLittleEndian(entry.key, data);
        qToLittleEndian(entry.packed, data + 4);
        data += entrySize;
    }
    return block;
}

std::vector<Entry> combined(std::vector<Entry> entries)
{
    std::sort(entries.begin(), entries.end());
    std::vector<Entry> out;
    out.reserve(entries.size());
    for (const Entry &entry : entries)
        append(out, entry);
    return out;
}

QByteArray merge(QByteArrayView a, QByteArrayView b, bool dropSeconds)
{
    const auto read = [dropSeconds](QByteArrayView block, qsizetype index) {
        const Entry entry = at(block, index);
        return dropSeconds ? withoutSecond(entry) : entry;
    };
    std::vector<Entry> out;
    out.reserve(size_t(size(a) + size(b)));
    qsizetype i = 0, j = 0;
    while (i < size(a) || j < size(b)) {
        if (j == size(b) || (i < size(a) && !(read(b, j) < read(a, i))))
            append(out, read(a, i++));
        else
            append(out, read(b, j++));
    }
    return encode(out);
}

QByteArray rollUp(QList<QByteArray> blocks)
{
    if (blocks.isEmpty())
        return {};
    // Pairwise, like a merge sort: each entry is copied about log2(blocks) times.
    blocks.first() = merge(blocks.first(), {}, true);
    while (blocks.size() > 1) {
        QList<QByteArray> merged;
        for (qsizetype i = 0; i < blocks.size(); i += 2)
            merged.append(i + 1 < blocks.size() ? merge(blocks[i], blocks[i + 1], true)
                                                : blocks[i]);
        blocks = std::move(merged);
    }
    return blocks.first();
}

} // namespace CountBlock

void KeyCounts::addBlock(QByteArrayView block, int firstSecond, int lastSecond)
{
    const qsizetype entries = CountBlock::size(block);
    if (entries == 0)
        return;
    // Keys rise through a block, a cache line or more apart in the counts: fetching a few
    // entries ahead hides most of the misses that otherwise dominate a window's sum.
    constexpr qsizetype ahead = 16;
    const quint32 largest = CountBlock::at(block, entries - 1).key;
    if (largest >= m_counts.size())
        m_counts.resize(size_t(largest) + size_t(largest) / 4 + 1024, 0);
    const bool whole = firstSecond == 0 && lastSecond == 59;
    for (qsizetype i = 0; i < entries; ++i) {
        if (i + ahead < entries)
            __builtin_prefetch(&m_counts[CountBlock::at(block, i + ahead).key], 1);
        const CountBlock::Entry entry = CountBlock::at(block, i);
        if (whole || (entry.second() >= firstSecond && entry.second() <= lastSecond))
            add(entry.key, entry.count());
    }
}

std::vector<quint32> KeyCounts::topWithTies(size_t limit)
{
    if (limit == 0 || m_touched.empty())
        return {};
    // The limit-th highest count, with a small min-heap in one pass: most keys are below
    // its top and cost a comparison.
    std::vector<quint32> heap;
    heap.reserve(limit);
    for (quint32 key : m_touched) {
        const quint32 count = m_counts[key];
        if (heap.size() < limit) {
            heap.push_back(count);
            std::push_heap(heap.begin(), heap.end(), std::greater<>());
        } else if (count > heap.front()) {
            std::pop_heap(heap.begin(), heap.end(), std::greater<>());
            heap.back() = count;
            std::push_heap(heap.begin(), heap.end(), std::greater<>());
        }
    }
    const quint32 cutoff = heap.front();
    std::vector<quint32> top;
    for (quint32 key : m_touched) {
        if (m_counts[key] >= cutoff)
            top.push_back(key);
    }
    std::sort(top.begin(), top.end(),
              [this](quint32 a, quint32 b) { return m_counts[a] > m_counts[b]; });
    return top;
}

void KeyCounts::clear()
{
    for (quint32 key : m_touched)
        m_counts[key] = 0;
    m_touched.clear();
}
