#pragma once

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QStringList>

// The repositories and organizations a user watches, kept in <data>/watchlist.json: an
// entry is "owner/name" or an organization's login. Thread-safe: the API, the window and
// the collector all use one instance; changed() tells the collector.
class Watchlist : public QObject
{
    Q_OBJECT

public:
    static constexpr int defaultMaximum = 100;

    // At most `maximum` entries, from the file too: each costs a poller and a share of the
    // rate limit.
    explicit Watchlist(const QString &dataDir, int maximum = defaultMaximum,
                       QObject *parent = nullptr);
    int maximum() const { return m_maximum; }

    QStringList names() const;
    bool contains(const QString &repository) const;
    // Returns false with `error` for a name that is neither GitHub's owner/name syntax nor
    // a login, or when the list is full.
    bool add(const QString &repository, QString *error);
    bool remove(const QString &repository);
    static bool isOrganization(const QString &entry) { return !entry.contains(u'/'); }
    static bool isValidEntry(const QString &entry);

    // Per-repository state in words ("history: 200 pull requests", an error...).
    void setStatus(const QString &repository, const QString &status);
    QString status(const QString &repository) const;

signals:
    void changed();

private:
    void save() const;

    QString m_path;
    int m_maximum;
    mutable QMutex m_mutex;
    QStringList m_names;
    QHash<QString, QString> m_status; // by lower-case name
};
