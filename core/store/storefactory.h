#pragma once

#include "eventstore.h"
#include "storelocation.h"

#include <memory>

// The one place that knows both backends: the write store for a location's dialect.
namespace StoreFactory {

std::unique_ptr<EventStore> eventStore(const StoreLocation &location);

} // namespace StoreFactory
