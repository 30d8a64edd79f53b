#pragma once

#include <QString>

// Thrown by API controllers; ApiServer turns it into one JSON error response.
struct ApiError
{
    int status = 400;
    QString message;
    QString parameter; // the offending query or path parameter, if any
    int retryAfterSeconds = 0; // sent as Retry-After when positive (429, 503)
};
