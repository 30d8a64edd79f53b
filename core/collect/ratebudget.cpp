#include "collect/ratebudget.h"

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 windowMs = 3600 * 1000; // GitHub's rate window

} // namespace

const RateBudget::Shares &RateBudget::defaultShares()
{
    static const Shares shares {{u"feed"_s, 0.40},
                                {u"repository"_s, 0.30},
                                {u"organization"_s, 0.10},
                                {u"pulls"_s, 0.15},
                                {u"stars"_s, 0.05}};
    return shares;
}

void RateBudget::update(const RateLimitInfo &info)
{
    if (info.remaining < 0)
        return;
    // A new window (its reset moved on): the spending starts again.
    if (m_info.reset.isValid() && info.reset.isValid() && info.reset > m_info.reset.addSecs(60)) {
        m_spent.clear();
        m_reserved.clear();
        m_polls.clear();
    }
    m_info = info;
}

void RateBudget::leave(const QString &source)
{
    if (--m_members[source] <= 0)
        m_members.remove(source);
}

void RateBudget::setFixedShare(const QString &source, int percent)
{
    if (percent > 0)
        m_fixedPercent.insert(source, std::min(percent, 100));
    else
        m_fixedPercent.remove(source);
}

RateBudget::Shares RateBudget::plan() const
{
    double fixed = 0;
    double weights = 0;
    for (auto it = m_members.cbegin(); it != m_members.cend(); ++it) {
        if (m_fixedPercent.contains(it.key()))
            fixed += m_fixedPercent.value(it.key()) / 100.0;
        else
            weights += defaultShares().value(it.key(), 0.05);
    }
    Shares shares;
    const double rest = std::max(1.0 - fixed, 0.0);
    for (auto it = m_members.cbegin(); it != m_members.cend(); ++it) {
        shares.insert(it.key(),
                      m_fixedPercent.contains(it.key())
                          ? m_fixedPercent.value(it.key()) / 100.0
                          : rest * defaultShares().value(it.key(), 0.05) / weights);
    }
    return shares;
}

void RateBudget::spend(const QString &source, bool notModified)
{
    if (!notModified)
        ++m_spent[source];
}

QList<std::pair<QString, double>> RateBudget::sharesOf(const Spending &spent)
{
    qint64 total = 0;
    for (const qint64 requests : spent)
        total += requests;
    QList<std::pair<QString, double>> shares;
    for (auto it = spent.cbegin(); it != spent.cend(); ++it)
        shares.append({it.key(), double(it.value()) / double(total)});
    std::stable_sort(shares.begin(), shares.end(),
                     [](const auto &a, const auto &b) { return a.second > b.second; });
    return shares;
}

// A poll costs what the source's polls cost on average this window, 304s free; the first
// is assumed to read every page.
qint64 RateBudget::pollSpacingMs(const QString &source, int maxPages, const QDateTime &now) const
{
    if (!m_info.isKnown())
        return 0;
    const qint64 untilResetMs = std::max<qint64>(now.msecsTo(m_info.reset), 0) + 1000;
    const double cost
        = double(m_spent.value(source) + maxPages) / double(m_polls.value(source) + 1);
    const double requests = m_info.remaining * shareOf(source);
    const double polls = requests / (cost * std::max(members(source), 1));
    return polls >= 1 ? qint64(double(untilResetMs) / polls) : untilResetMs;
}

qint64 RateBudget::reservePage(const QString &source, const QDateTime &now)
{
    const qint64 sent = m_reserved[source]++;
    // Until an answer tells the limit, one page a second.
    if (!m_info.isKnown() || m_info.limit <= 0)
        return sent * 1000;
    const double perMs = m_info.limit * shareOf(source) / double(windowMs);
    const qint64 elapsedMs = std::clamp<qint64>(windowMs - now.msecsTo(m_info.reset), 0, windowMs);
    // This page may go once the source's allowance, its share of the time elapsed plus the
    // burst, exceeds what it sent.
    const qint64 dueMs = perMs > 0 ? qint64(double(sent + 1) / perMs) : windowMs;
    const qint64 waitMs = dueMs - elapsedMs - qint64(burstMinutes) * 60 * 1000;
    return std::clamp<qint64>(waitMs, 0, std::max<qint64>(now.msecsTo(m_info.reset), 0) + 1000);
}
