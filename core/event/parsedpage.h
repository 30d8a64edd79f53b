#pragma once

#include "event/ownedevent.h"

#include <QList>
#include <QMetaType>

#include <memory>
#include <string>
#include <variant>
#include <vector>

// An /events page as parsed, its events owning their strings: the collector parses a page
// once, to check it and see where the last poll ended, and hands this to the ingest
// thread, which replays it into the store instead of parsing the page again.
class ParsedPage : public EventSink
{
public:
    explicit ParsedPage(qsizetype bodySize = 0)
        : m_bodySize(bodySize)
    {
    }

    void event(const EventView &event) override;
    void invalid(std::string_view reason, std::string_view raw) override;

    // Every element, in the page's order, as parsing the body again would report it.
    void replay(EventSink &sink) const;
    QList<qint64> ids() const;
    qsizetype bodySize() const { return m_bodySize; }

private:
    struct Invalid // an element that is not an event
    {
        std::string reason, raw;
    };

    std::vector<std::variant<OwnedEvent, Invalid>> m_elements;
    qsizetype m_bodySize;
};

using ParsedPagePtr = std::shared_ptr<const ParsedPage>;
Q_DECLARE_METATYPE(ParsedPagePtr)
