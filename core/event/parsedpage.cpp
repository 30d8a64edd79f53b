#include "event/parsedpage.h"

void ParsedPage::event(const EventView &event)
{
    m_elements.emplace_back(OwnedEvent(event));
}

void ParsedPage::invalid(std::string_view reason, std::string_view raw)
{
    m_elements.emplace_back(Invalid {std::string(reason), std::string(raw)});
}

void ParsedPage::replay(EventSink &sink) const
{
    for (const auto &element : m_elements) {
        if (const auto *event = std::get_if<OwnedEvent>(&element))
            sink.event(event->view());
        else
            sink.invalid(std::get<Invalid>(element).reason, std::get<Invalid>(element).raw);
    }
}

QList<qint64> ParsedPage::ids() const
{
    QList<qint64> ids;
    for (const auto &element : m_elements) {
        if (const auto *event = std::get_if<OwnedEvent>(&element))
            ids.append(event->id());
    }
    return ids;
}
