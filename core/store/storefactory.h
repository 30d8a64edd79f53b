#pragma once

#include "store/eventstore.h"
#include "store/storelocation.h"

#include <memory>

// The one place that knows every backend: the write store for a location's dialect.
namespace StoreFactory {

std::unique_ptr<EventStore> eventStore(const StoreLocation &location);

} // namespace StoreFactory
