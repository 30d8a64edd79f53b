#include "store/golddelta.h"

#include "store/countblock.h"

#include <algorithm>

namespace {

// The index of `text` in `index`, added through `add` when new.
int intern(QHash<QByteArray, int> &index, std::string_view text, const auto &add)
{
    const QByteArray probe = QByteArray::fromRawData(text.data(), qsizetype(text.size()));
    const auto it = index.constFind(probe);
    if (it != index.cend())
        return it.value();
    const QByteArray copy(text.data(), qsizetype(text.size()));
    const int position = add(copy);
    index.insert(copy, position);
    return position;
}

} // namespace

void GoldDelta::add(const EventView &event, BatchResult *batch)
{
    ++batch->inserted;
    batch->firstCreatedAt = batch->firstCreatedAt < 0
        ? event.createdAt
        : std::min(batch->firstCreatedAt, event.createdAt);
    batch->lastCreatedAt = std::max(batch->lastCreatedAt, event.createdAt);

    const int type = intern(m_typeIndex, event.type, [this](const QByteArray &name) {
        m_types.append(name);
        return int(m_types.size() - 1);
    });
    const int repository
        = intern(m_repositoryIndex, event.repoName, [this](const QByteArray &name) {
              m_repositories.append({name, 0, 0});
              return int(m_repositories.size() - 1);
          });
    ++m_typeSeconds[{event.createdAt, type}];
    ++m_repositorySeconds[{event.createdAt, repository}];
    Repository &totals = m_repositories[repository];
    ++totals.events;
    totals.lastEventAt = std::max(totals.lastEventAt, event.createdAt);
    if (event.type == "PullRequestEvent")
        addPullRequestChange(event, repository);
}

void GoldDelta::addPullRequestChange(const EventView &event, int repository)
{
    using Change = PullRequestChange;
    if (event.action == "opened")
        m_pullRequestsOpened.append({repository, event.createdAt, event.id});
    // Only these change a history; edits, labels, reviews and pushes do not.
    static const std::pair<std::string_view, Change::Kind> changes[]
        = {{"opened", Change::Opened}, {"closed", Change::Closed}, {"reopened", Change::Reopened}};
    const auto change = std::find_if(std::begin(changes), std::end(changes),
                                     [&](const auto &each) { return each.first == event.action; });
    if (change == std::end(changes) || event.prNumber <= 0)
        return;
    m_pullRequestChanges.append(
        {change->second, repository, event.prNumber, event.createdAt, event.prMerged == 1,
         QByteArray(event.actorLogin.data(), qsizetype(event.actorLogin.size()))});
}

void GoldDelta::clear()
{
    m_typeIndex.clear();
    m_types.clear();
    m_repositoryIndex.clear();
    m_repositories.clear();
    m_typeSeconds.clear();
    m_repositorySeconds.clear();
    m_pullRequestsOpened.clear();
    m_pullRequestChanges.clear();
}

QHash<GoldDelta::MinuteKey, qint64> GoldDelta::byMinute(const QHash<SecondKey, qint64> &seconds)
{
    QHash<MinuteKey, qint64> minutes;
    for (auto it = seconds.cbegin(); it != seconds.cend(); ++it) {
        const qint64 second = it.key().first;
        const qint64 minute = CountBlock::minuteOf(second);
        minutes[{minute, it.key().second}] += it.value();
    }
    return minutes;
}
