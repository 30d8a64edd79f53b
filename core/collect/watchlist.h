#pragma once

#include <QHash>
#include <QMap>
#include <QMutex>
#include <QObject>
#include <QStringList>

// The repositories and organizations a user watches, kept in <data>/watchlist.json: an
// entry is "owner/name" or an organization's login; named groups gather some of them. Thread-safe:
// the API, the window and the collector all use one instance; changed() tells the collector.
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

    // Named groups of entries ("my team"), each a scope of its own. Setting a group watches
    // its members too; false with `error` for a bad name or member, or a full list.
    QMap<QString, QStringList> groups() const;
    QStringList group(const QString &name) const; // empty for an unknown group
    bool setGroup(const QString &name, const QStringList &members, QString *error);
    bool removeGroup(const QString &name);
    // Letters, digits, ' ', '-' and '_', at most 50; not "all" nor "watched".
    static bool isValidGroupName(const QString &name);

    // An organization's repositories as GitHub last listed them, most recently pushed
    // first. Not kept in the file: they are listed again at start.
    void setListed(const QString &organization, const QStringList &repositories);
    QStringList listed(const QString &organization) const;
    // What the collector watches: the entries, then the listed repositories of the watched
    // organizations, in turn, as many as the maximum leaves room for.
    QStringList expanded() const;

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
    QMap<QString, QStringList> m_groups;
    QHash<QString, QString> m_status; // by lower-case name
    QHash<QString, QStringList> m_listed; // by lower-case organization
};
