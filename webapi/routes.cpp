#include "routes.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

QString Route::pattern() const
{
    static const QRegularExpression parameter(u"\\{[a-z_]+\\}"_s);
    return name().replace(parameter, u"<arg>"_s);
}
