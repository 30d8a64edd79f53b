#include "settingsdialog.h"

#include "alertrulespage.h"
#include "tokenstore.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>

using namespace Qt::StringLiterals;

namespace {

const QString group = u"config"_s;

} // namespace

SettingsDialog::SettingsDialog(const ConfigResult &running, QWidget *parent)
    : QDialog(parent)
    , m_running(running)
    , m_token(new QLineEdit)
    , m_apiUrl(new QLineEdit)
    , m_interval(new QSpinBox)
    , m_pages(new QSpinBox)
    , m_budget(new QSpinBox)
    , m_dataDir(new QLineEdit)
    , m_port(new QSpinBox)
    , m_archive(new QCheckBox(tr("Follow GH Archive, hour by hour")))
    , m_tabs(new QTabWidget)
    , m_alertRules(new AlertRulesPage(running.config.dataDir + u"/alerts.json"_s))
{
    setWindowTitle(tr("Settings"));
    // Wide enough for the token's placeholder and where it is kept, on one line each.
    setMinimumWidth(fontMetrics().averageCharWidth() * 80);
    const AppConfig &config = running.config;
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setObjectName(u"token"_s);
    m_token->setAccessibleName(tr("GitHub token"));
    m_token->setPlaceholderText(config.githubToken.isEmpty()
                                    ? tr("optional: without one GitHub allows 60 requests an hour")
                                    : tr("(set; type to replace)"));
    m_apiUrl->setText(config.apiUrl.toString());
    m_interval->setRange(1, 86400);
    m_interval->setSuffix(tr(" s"));
    m_interval->setValue(config.intervalSeconds);
    m_pages->setRange(1, 10);
    m_pages->setValue(config.maxPagesPerCollection);
    m_budget->setRange(0, 100);
    m_budget->setSuffix(tr(" % of the rate limit"));
    m_budget->setSpecialValueText(tr("GitHub's poll interval"));
    m_budget->setValue(config.captureBudgetPercent);
    m_budget->setToolTip(tr("Today's feed shares no event between two requests: each request "
                            "brings new events, so the more of the rate limit the feed may "
                            "spend, the more of GitHub it sees. Watched repositories and GH "
                            "Archive keep the rest."));
    m_dataDir->setText(config.dataDir);
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("any free port"));
    m_port->setValue(config.apiPort);
    m_archive->setChecked(config.archiveEnabled);
    m_archive->setToolTip(tr("The live feed shows a few percent of GitHub's events. GH Archive "
                             "publishes all of them, an hour at a time, shortly after the hour "
                             "ends."));
    m_shown = values();

    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir
            = QFileDialog::getExistingDirectory(this, tr("Data directory"), m_dataDir->text());
        if (!dir.isEmpty())
            m_dataDir->setText(dir);
    });
    auto *dataRow = new QWidget;
    auto *dataLayout = new QHBoxLayout(dataRow);
    dataLayout->setContentsMargins(0, 0, 0, 0);
    dataLayout->addWidget(m_dataDir, 1);
    dataLayout->addWidget(browse);

    auto *form = new QFormLayout;
    addRow(form, tr("GitHub &token:"), tokenRow(), u"GITHUB_TOKEN"_s);
    addRow(form, tr("GitHub &API URL:"), m_apiUrl, u"GITHUB_API_URL"_s, u"--api-url"_s);
    addRow(form, tr("Poll &interval:"), m_interval, u"COLLECTION_INTERVAL_SECONDS"_s,
           u"--interval-seconds"_s);
    addRow(form, tr("&Pages per poll:"), m_pages, u"MAX_PAGES_PER_COLLECTION"_s, u"--max-pages"_s);
    addRow(form, tr("Capture &budget:"), m_budget, u"GHM_CAPTURE_BUDGET"_s, u"--capture-budget"_s);
    addRow(form, tr("&Data directory:"), dataRow, u"GHM_DATA_DIR"_s, u"--data-dir"_s);
    addRow(form, tr("API p&ort:"), m_port, u"GHM_API_PORT"_s, u"--api-port"_s);
    addRow(form, tr("GH &Archive:"), m_archive, u"GHM_ARCHIVE"_s);
    auto *archiveCost = new QLabel(tr("Complete numbers for every finished hour, instead of the "
                                      "live feed's sample; 60 to 130 MB of download and disk "
                                      "an hour."));
    archiveCost->setWordWrap(true);
    archiveCost->setEnabled(false); // drawn as secondary text
    form->addRow(QString(), archiveCost);
    auto *note = new QLabel(tr("The token, interval, pages per poll, capture budget and GH "
                               "Archive apply at once; the API "
                               "URL, data directory and API port at the next start. A value "
                               "set in the environment or on the command line wins over the "
                               "one saved here."));
    note->setWordWrap(true);
    auto *general = new QWidget;
    auto *generalLayout = new QVBoxLayout(general);
    generalLayout->addLayout(form);
    generalLayout->addWidget(note);
    generalLayout->addStretch();
    m_tabs->addTab(general, tr("&General"));
    m_tabs->addTab(m_alertRules, tr("A&lerts"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        // The rules first: a bad one keeps the dialog open, with nothing saved.
        if (QString error; !m_alertRules->save(&error)) {
            m_tabs->setCurrentWidget(m_alertRules);
            QMessageBox::warning(this, tr("Settings"),
                                 tr("The alert rules were not saved: %1").arg(error));
            return;
        }
        save();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);
    layout->addWidget(buttons);
}

// The token's field, a Clear button, and where the token is kept.
QWidget *SettingsDialog::tokenRow()
{
    const TokenStore::Result stored = TokenStore::read();
    QString place = stored.where;
    if (!stored.inKeyring && place.startsWith(QDir::homePath() + u'/'))
        place.replace(0, QDir::homePath().size(), u"~"_s);
    if (!stored.inKeyring)
        place = tr("%1, readable by you only (no keyring runs here)").arg(place);
    auto *clear = new QPushButton(tr("Clear"));
    clear->setEnabled(!stored.token.isEmpty());
    auto *where
        = new QLabel(stored.token.isEmpty() ? tr("None saved. It will be kept in %1.").arg(place)
                                            : tr("Saved in %1.").arg(place));
    where->setObjectName(u"token-where"_s);
    where->setEnabled(false); // drawn as secondary text
    where->setWordWrap(true);
    connect(clear, &QPushButton::clicked, this, [this, clear, where] {
        m_clearToken = true;
        m_token->clear();
        clear->setEnabled(false);
        where->setText(tr("Removed when you save."));
    });
    connect(m_token, &QLineEdit::textEdited, this, [this] { m_clearToken = false; });
    auto *row = new QWidget;
    auto *grid = new QGridLayout(row);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_token, 0, 0);
    grid->addWidget(clear, 0, 1);
    grid->addWidget(where, 1, 0, 1, 2);
    return row;
}

// A field, with a note under it when its running value comes from elsewhere than here.
void SettingsDialog::addRow(QFormLayout *form, const QString &label, QWidget *field,
                            const QString &variable, const QString &option)
{
    field->setAccessibleName(QString(label).remove(u'&').remove(u':'));
    form->addRow(label, field);
    QString source;
    switch (m_running.source(variable)) {
    case ConfigSource::CommandLine:
        source = tr("Now set by %1 on the command line").arg(option);
        break;
    case ConfigSource::Environment:
        source = tr("Now set by %1 in the environment").arg(variable);
        break;
    case ConfigSource::SettingsFile:
    case ConfigSource::Default: return;
    }
    auto *note = new QLabel(source);
    note->setObjectName(variable + u"-source"_s);
    note->setEnabled(false); // drawn as secondary text
    form->addRow(QString(), note);
}

QHash<QString, QString> SettingsDialog::values() const
{
    return {{u"GITHUB_API_URL"_s, m_apiUrl->text().trimmed()},
            {u"COLLECTION_INTERVAL_SECONDS"_s, QString::number(m_interval->value())},
            {u"MAX_PAGES_PER_COLLECTION"_s, QString::number(m_pages->value())},
            {u"GHM_CAPTURE_BUDGET"_s, QString::number(m_budget->value())},
            {u"GHM_DATA_DIR"_s, m_dataDir->text().trimmed()},
            {u"GHM_API_PORT"_s, QString::number(m_port->value())},
            {u"GHM_ARCHIVE"_s, m_archive->isChecked() ? u"on"_s : u"off"_s}};
}

QHash<QString, QString> SettingsDialog::stored()
{
    const TokenStore::Result token = TokenStore::read(); // first: it moves an old one out
    QSettings settings;
    settings.beginGroup(group);
    QHash<QString, QString> values;
    for (const QString &key : settings.childKeys())
        values.insert(key, settings.value(key).toString());
    if (!token.token.isEmpty())
        values.insert(u"GITHUB_TOKEN"_s, token.token);
    return values;
}

// Only what the user changed: a value shown because the command line or the environment
// set it is not made permanent behind the user's back.
void SettingsDialog::save()
{
    const TokenStore::Result token = !m_token->text().isEmpty() ? TokenStore::write(m_token->text())
        : m_clearToken                                          ? TokenStore::clear()
                                                                : TokenStore::Result();
    if (!token.error.isEmpty())
        QMessageBox::warning(
            this, tr("Settings"),
            tr("The token could not be saved in %1: %2").arg(token.where, token.error));
    QSettings settings;
    settings.beginGroup(group);
    const QHash<QString, QString> now = values();
    for (auto it = now.cbegin(); it != now.cend(); ++it) {
        if (it.value() != m_shown.value(it.key()))
            settings.setValue(it.key(), it.value());
    }
}
