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
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>

using namespace Qt::StringLiterals;

namespace {

const QString group = u"config"_s;

// A setting's label within a sentence: "Poll interval" as "poll interval", while "GitHub
// token" and "API port" keep their capitals.
QString inSentence(const Setting &setting)
{
    QString name = setting.translatedLabel().remove(u'&').remove(u':');
    const QString firstWord = name.section(u' ', 0, 0);
    if (firstWord.sliced(1) == firstWord.sliced(1).toLower())
        name[0] = name[0].toLower();
    return name;
}

} // namespace

SettingsDialog::SettingsDialog(const ConfigResult &running, QWidget *parent)
    : QDialog(parent)
    , m_running(running)
    , m_token(new QLineEdit)
    , m_tabs(new QTabWidget)
    , m_alertRules(new AlertRulesPage(running.config.dataDir + u"/alerts.json"_s))
{
    setWindowTitle(tr("Settings"));
    // Wide enough for the token's placeholder and where it is kept, on one line each.
    setMinimumWidth(fontMetrics().averageCharWidth() * 80);
    auto *form = new QFormLayout;
    QStringList atOnce;
    QStringList atStart;
    for (const Setting &setting : Config::settings()) {
        if (!setting.label)
            continue;
        addRow(form, setting, fieldFor(setting));
        (setting.applies == Setting::Applies::AtOnce ? atOnce : atStart) << inSentence(setting);
    }
    m_shown = values();
    const QLocale locale;
    auto *note = new QLabel(
        tr("%1 apply at once; %2 at the next start. A value set in the "
           "environment or on the command line wins over the one saved "
           "here.")
            .arg(locale.createSeparatedList(atOnce), locale.createSeparatedList(atStart)));
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
    // Tall enough for the wrapped notes at the width the dialog opens with.
    const int width = std::max(minimumWidth(), sizeHint().width());
    resize(width, heightForWidth(width));
}

// The field that edits `setting`, showing its running value, by the setting's type.
QWidget *SettingsDialog::fieldFor(const Setting &setting)
{
    const QString value = Config::text(m_running.config, setting);
    switch (setting.type) {
    case Setting::Type::Secret: return tokenRow();
    case Setting::Type::Integer: {
        auto *spin = new QSpinBox;
        spin->setRange(int(setting.minimum), int(setting.maximum));
        spin->setSuffix(setting.suffix);
        if (setting.minimum == 0)
            spin->setSpecialValueText(setting.zeroMeans);
        spin->setValue(value.toInt());
        m_values.insert(setting.variable, [spin] { return QString::number(spin->value()); });
        return spin;
    }
    case Setting::Type::Switch: {
        QString text = setting.help;
        auto *box = new QCheckBox(text.replace(0, 1, text.first(1).toUpper()));
        box->setChecked(value == "on"_L1);
        m_values.insert(setting.variable, [box] { return box->isChecked() ? u"on"_s : u"off"_s; });
        return box;
    }
    default: break;
    }
    auto *line = new QLineEdit(value);
    m_values.insert(setting.variable, [line] { return line->text().trimmed(); });
    if (setting.type != Setting::Type::Folder)
        return line;
    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this, line] {
        const QString dir
            = QFileDialog::getExistingDirectory(this, tr("Data directory"), line->text());
        if (!dir.isEmpty())
            line->setText(dir);
    });
    auto *row = new QWidget;
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(line, 1);
    layout->addWidget(browse);
    return row;
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
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setObjectName(u"token"_s);
    m_token->setAccessibleName(tr("GitHub token"));
    m_token->setPlaceholderText(
        m_running.config.githubToken.isEmpty() ? tr("none") : tr("(set; type to replace)"));
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

// A field, with the setting's details under it, and a note when its running value comes
// from elsewhere than here.
void SettingsDialog::addRow(QFormLayout *form, const Setting &setting, QWidget *field)
{
    const QString label = setting.translatedLabel();
    field->setAccessibleName(QString(label).remove(u'&').remove(u':'));
    form->addRow(label, field);
    if (!setting.details.isEmpty()) {
        auto *details = new QLabel(setting.details);
        details->setWordWrap(true);
        details->setEnabled(false); // drawn as secondary text
        form->addRow(QString(), details);
    }
    QString source;
    switch (m_running.source(setting.variable)) {
    case ConfigSource::CommandLine:
        source = tr("Now set by --%1 on the command line").arg(setting.option);
        break;
    case ConfigSource::Environment:
        source = tr("Now set by %1 in the environment").arg(setting.variable);
        break;
    case ConfigSource::SettingsFile:
    case ConfigSource::Default: return;
    }
    auto *note = new QLabel(source);
    note->setWordWrap(true);
    note->setObjectName(setting.variable + u"-source"_s);
    note->setEnabled(false); // drawn as secondary text
    form->addRow(QString(), note);
}

QHash<QString, QString> SettingsDialog::values() const
{
    QHash<QString, QString> values;
    for (auto it = m_values.cbegin(); it != m_values.cend(); ++it)
        values.insert(it.key(), it.value()());
    return values;
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
