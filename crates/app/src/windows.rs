//! The sharer's windows (GTK 4): the main window (code entry or a helper's offer, then the trust
//! screen), the consent dialog, the sharing indicator and the chat. They show what the agent
//! library reports ([`AppEvent`]) and forward the sharer's choices ([`ShareCommand`]); every
//! decision about the session is the library's.
//!
//! Every control has an accessible name (AT-SPI on Linux): a button's is its label, a field's is
//! set from the catalogue, a window's is its title.

use std::cell::RefCell;
use std::rc::Rc;

use assist_agent::share::{Finish, ShareCommand, ShareEvent};
use assist_proto::wire::{Profile, SessionView};
use assist_proto::{CHAT_MAX_CHARS, Mode, StateName};
use gtk::prelude::*;
use gtk::{gio, glib};
use tokio::sync::mpsc;

use crate::bridge::{self, AppEvent, Settings};
use crate::code::{CODE_FIELD_MAX_CHARS, grouped, local_error};
use crate::i18n::Tr;
use crate::offers::{self, Channel, ChannelEvent, Offer};

/// The space between a window's parts, in pixels.
const SPACING: i32 = 12;

/// What the windows know of the share in progress.
#[derive(Default)]
struct Share {
    commands: Option<mpsc::UnboundedSender<ShareCommand>>,
    helper: String,
    view: Option<SessionView>,
    paused: bool,
    control_stopped: bool,
    unread: usize,
}

/// The app's windows.
pub struct Ui {
    app: gtk::Application,
    tr: Tr,
    settings: Settings,
    main: gtk::ApplicationWindow,
    stack: gtk::Stack,
    code_entry: gtk::Entry,
    connect: gtk::Button,
    code_status: gtk::Label,
    avatar: gtk::Box,
    name: gtk::Label,
    job: gtk::Label,
    company: gtk::Label,
    domain: gtk::Label,
    trust_state: gtk::Label,
    consent: RefCell<Option<gtk::Window>>,
    indicator: gtk::Window,
    indicator_label: gtk::Label,
    stop_control: gtk::Button,
    pause: gtk::Button,
    indicator_note: gtk::Label,
    chat: gtk::Window,
    chat_log: gtk::ListBox,
    chat_scroll: gtk::ScrolledWindow,
    chat_entry: gtk::Entry,
    chat_buttons: [gtk::Button; 2],
    share: RefCell<Share>,
    /// The device channel (background mode).
    channel: RefCell<Option<Channel>>,
    /// The offer the window shows, until the person answers it.
    offer: RefCell<Option<Offer>>,
    offer_heading: gtk::Label,
    offer_avatar: gtk::Box,
    offer_name: gtk::Label,
    offer_job: gtk::Label,
    offer_company: gtk::Label,
    offer_email: gtk::Label,
}

/// The notification of a helper's offer (one at a time: a new one replaces it).
const OFFER_NOTIFICATION: &str = "offer";

fn label(text: &str) -> gtk::Label {
    let l = gtk::Label::new(Some(text));
    l.set_wrap(true);
    l.set_xalign(0.0);
    l
}

fn vbox() -> gtk::Box {
    let b = gtk::Box::new(gtk::Orientation::Vertical, SPACING);
    b.set_margin_top(SPACING * 2);
    b.set_margin_bottom(SPACING * 2);
    b.set_margin_start(SPACING * 2);
    b.set_margin_end(SPACING * 2);
    b
}

fn hbox() -> gtk::Box {
    gtk::Box::new(gtk::Orientation::Horizontal, SPACING)
}

/// A button; its accessible name is its label.
fn button(text: &str) -> gtk::Button {
    gtk::Button::with_label(text)
}

/// A widget of GTK class `class` with an accessible name (and description). GTK 4.8's Rust
/// binding cannot set accessible properties (that needs 4.10); a UI definition can.
fn accessible<T: IsA<glib::Object>>(class: &str, name: &str, description: Option<&str>) -> T {
    accessible_as(class, None, name, description)
}

/// [`accessible`] with an accessible role (`img`, ...).
fn accessible_as<T: IsA<glib::Object>>(
    class: &str,
    role: Option<&str>,
    name: &str,
    description: Option<&str>,
) -> T {
    let esc = |s: &str| glib::markup_escape_text(s).to_string();
    let role = role
        .map(|r| format!("<property name=\"accessible-role\">{r}</property>"))
        .unwrap_or_default();
    let description = description
        .map(|d| format!("<property name=\"description\">{}</property>", esc(d)))
        .unwrap_or_default();
    let ui = format!(
        "<interface><object class=\"{class}\" id=\"w\">{role}<accessibility>\
         <property name=\"label\">{}</property>{description}</accessibility></object></interface>",
        esc(name)
    );
    gtk::Builder::from_string(&ui)
        .object::<T>("w")
        .expect("a UI definition of one widget")
}

/// The helper's picture: their initials (pictures are not fetched yet), named for screen readers.
fn picture(tr: &Tr, name: &str) -> gtk::Box {
    let picture: gtk::Box = accessible_as(
        "GtkBox",
        Some("img"),
        &tr.t1("app-helper-picture", "helper", name),
        None,
    );
    picture.set_size_request(64, 64);
    let letters = gtk::Label::new(None);
    letters.set_markup(&format!(
        "<span size='xx-large' weight='bold'>{}</span>",
        glib::markup_escape_text(&initials(name))
    ));
    picture.append(&letters);
    picture
}

/// Replaces what `holder` shows with `child`.
fn replace_child(holder: &gtk::Box, child: &impl IsA<gtk::Widget>) {
    while let Some(old) = holder.first_child() {
        holder.remove(&old);
    }
    holder.append(child);
}

/// Shows `value` in `l`, or hides `l` when there is none.
fn shown(l: &gtk::Label, v: Option<&str>) {
    let v = v.unwrap_or("").trim();
    l.set_text(v);
    l.set_visible(!v.is_empty());
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

impl Ui {
    /// Builds the windows (none shown yet: [`Ui::show`]). In `background` mode closing the
    /// window hides it and the app stays.
    pub fn new(app: &gtk::Application, tr: Tr, settings: Settings, background: bool) -> Rc<Ui> {
        let main = gtk::ApplicationWindow::builder()
            .application(app)
            .title(tr.t("app-title"))
            .default_width(440)
            .hide_on_close(background)
            .build();
        let stack = gtk::Stack::new();

        // The code entry.
        let page = vbox();
        let heading = label("");
        heading.set_markup(&format!(
            "<big><b>{}</b></big>",
            glib::markup_escape_text(&tr.t("live-sharer-heading"))
        ));
        let field_label = label(&tr.t("live-code-input"));
        let code_entry: gtk::Entry = accessible(
            "GtkEntry",
            &tr.t("live-code-input"),
            Some(&tr.t("live-code-input-help")),
        );
        code_entry.set_max_length(CODE_FIELD_MAX_CHARS);
        code_entry.set_placeholder_text(Some("4k7m r9gx"));
        code_entry.set_activates_default(true);
        code_entry.set_input_hints(gtk::InputHints::NO_SPELLCHECK | gtk::InputHints::NO_EMOJI);
        let help = label(&tr.t("live-code-input-help"));
        let connect = button(&tr.t("live-join"));
        connect.set_halign(gtk::Align::End);
        let code_status = gtk::Label::builder()
            .accessible_role(gtk::AccessibleRole::Alert)
            .wrap(true)
            .xalign(0.0)
            .build();
        for w in [
            heading.upcast_ref::<gtk::Widget>(),
            field_label.upcast_ref(),
            code_entry.upcast_ref(),
            help.upcast_ref(),
            code_status.upcast_ref(),
            connect.upcast_ref(),
        ] {
            page.append(w);
        }
        stack.add_named(&page, Some("code"));

        // The trust screen.
        let page = vbox();
        let who = label(&tr.t("live-trust-helper"));
        let row = hbox();
        let avatar = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        avatar.set_size_request(64, 64);
        let details = gtk::Box::new(gtk::Orientation::Vertical, SPACING / 2);
        let name = label("");
        let job = label("");
        let company = label("");
        let domain = label("");
        for w in [&name, &job, &company, &domain] {
            details.append(w);
        }
        row.append(&avatar);
        row.append(&details);
        let trust_help = label(&tr.t("live-trust-help"));
        let trust_state = label("");
        let buttons = hbox();
        buttons.set_halign(gtk::Align::End);
        let chat_open = button(&tr.t("app-chat-open"));
        let end = button(&tr.t("live-leave"));
        buttons.append(&chat_open);
        buttons.append(&end);
        for w in [
            who.upcast_ref::<gtk::Widget>(),
            row.upcast_ref(),
            trust_help.upcast_ref(),
            trust_state.upcast_ref(),
            buttons.upcast_ref(),
        ] {
            page.append(w);
        }
        stack.add_named(&page, Some("trust"));

        // A helper's offer (background mode): who they are, Accept or Decline.
        let page = vbox();
        let offer_heading = label("");
        let row = hbox();
        let offer_avatar = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        let details = gtk::Box::new(gtk::Orientation::Vertical, SPACING / 2);
        let offer_name = label("");
        let offer_job = label("");
        let offer_company = label("");
        let offer_email = label("");
        for w in [&offer_name, &offer_job, &offer_company, &offer_email] {
            details.append(w);
        }
        row.append(&offer_avatar);
        row.append(&details);
        let offer_help = label(&tr.t("app-offer-help"));
        let offer_buttons = hbox();
        offer_buttons.set_halign(gtk::Align::End);
        let decline = button(&tr.t("app-offer-decline"));
        let accept = button(&tr.t("app-offer-accept"));
        offer_buttons.append(&decline);
        offer_buttons.append(&accept);
        for w in [
            offer_heading.upcast_ref::<gtk::Widget>(),
            row.upcast_ref(),
            offer_help.upcast_ref(),
            offer_buttons.upcast_ref(),
        ] {
            page.append(w);
        }
        stack.add_named(&page, Some("offer"));
        main.set_child(Some(&stack));
        main.set_default_widget(Some(&connect));

        // The sharing indicator: a window of its own, kept small.
        let indicator = gtk::Window::builder()
            .title(tr.t("app-sharing-title"))
            .deletable(false)
            .resizable(false)
            .build();
        let ibox = vbox();
        let indicator_label = label("");
        let indicator_note = label("");
        let ibuttons = hbox();
        let stop_control = button(&tr.t("app-stop-control"));
        let pause = button(&tr.t("app-pause"));
        let chat_open2 = button(&tr.t("app-chat-open"));
        let end2 = button(&tr.t("live-leave"));
        for b in [&stop_control, &pause, &chat_open2, &end2] {
            ibuttons.append(b);
        }
        ibox.append(&indicator_label);
        ibox.append(&indicator_note);
        ibox.append(&ibuttons);
        indicator.set_child(Some(&ibox));
        indicator.connect_close_request(|_| glib::Propagation::Stop);
        indicator.connect_map(crate::above::keep_above_when_mapped);

        // The chat.
        let chat = gtk::Window::builder()
            .title(tr.t("app-chat-title"))
            .default_width(340)
            .default_height(300)
            .hide_on_close(true)
            .build();
        let cbox = vbox();
        let chat_log: gtk::ListBox = accessible("GtkListBox", &tr.t("live-chat-log"), None);
        chat_log.set_selection_mode(gtk::SelectionMode::None);
        let chat_scroll = gtk::ScrolledWindow::builder()
            .child(&chat_log)
            .vexpand(true)
            .hscrollbar_policy(gtk::PolicyType::Never)
            .build();
        let crow = hbox();
        let chat_entry: gtk::Entry = accessible("GtkEntry", &tr.t("live-chat-label"), None);
        chat_entry.set_max_length(i32::try_from(CHAT_MAX_CHARS).unwrap_or(i32::MAX));
        chat_entry.set_hexpand(true);
        let send = button(&tr.t("live-chat-send"));
        crow.append(&chat_entry);
        crow.append(&send);
        cbox.append(&chat_scroll);
        cbox.append(&crow);
        chat.set_child(Some(&cbox));

        let ui = Rc::new(Ui {
            app: app.clone(),
            tr,
            settings,
            main,
            stack,
            code_entry,
            connect,
            code_status,
            avatar,
            name,
            job,
            company,
            domain,
            trust_state,
            consent: RefCell::new(None),
            indicator,
            indicator_label,
            stop_control,
            pause,
            indicator_note,
            chat,
            chat_log,
            chat_scroll,
            chat_entry,
            chat_buttons: [chat_open, chat_open2],
            share: RefCell::new(Share::default()),
            channel: RefCell::new(None),
            offer: RefCell::new(None),
            offer_heading,
            offer_avatar,
            offer_name,
            offer_job,
            offer_company,
            offer_email,
        });

        // The offer's answers, from the window or from the notification's buttons (by session
        // id: a late click on an old notification answers nothing).
        let u = ui.clone();
        accept.connect_clicked(move |_| u.clone().accept_offer(None));
        let u = ui.clone();
        decline.connect_clicked(move |_| u.decline_offer(None));
        let answer = gio::SimpleAction::new("offer-accept", Some(glib::VariantTy::STRING));
        let u = ui.clone();
        answer.connect_activate(move |_, id| u.clone().accept_offer(id.and_then(|v| v.str())));
        app.add_action(&answer);
        let answer = gio::SimpleAction::new("offer-decline", Some(glib::VariantTy::STRING));
        let u = ui.clone();
        answer.connect_activate(move |_, id| u.decline_offer(id.and_then(|v| v.str())));
        app.add_action(&answer);
        let show = gio::SimpleAction::new("offer-show", None);
        let u = ui.clone();
        show.connect_activate(move |_, _| u.show());
        app.add_action(&show);

        let u = ui.clone();
        ui.code_entry.connect_changed(move |e| {
            let text = e.text();
            if let Some(g) = grouped(&text).filter(|g| *g != text.as_str()) {
                e.set_text(&g);
                e.set_position(-1);
            }
            u.code_status.set_text("");
        });
        let u = ui.clone();
        ui.connect.connect_clicked(move |_| u.clone().connect());
        let u = ui.clone();
        end.connect_clicked(move |_| u.command(ShareCommand::End));
        let u = ui.clone();
        end2.connect_clicked(move |_| u.command(ShareCommand::End));
        for b in &ui.chat_buttons {
            let u = ui.clone();
            b.connect_clicked(move |_| u.show_chat());
        }
        let u = ui.clone();
        ui.stop_control.connect_clicked(move |_| {
            u.command(ShareCommand::StopControl);
            u.share.borrow_mut().control_stopped = true;
            u.refresh_indicator();
        });
        let u = ui.clone();
        ui.pause.connect_clicked(move |_| {
            let paused = !u.share.borrow().paused;
            u.share.borrow_mut().paused = paused;
            u.command(ShareCommand::Pause(paused));
            u.refresh_indicator();
        });
        let u = ui.clone();
        send.connect_clicked(move |_| u.send_chat());
        let u = ui.clone();
        ui.chat_entry.connect_activate(move |_| u.send_chat());
        let u = ui.clone();
        ui.chat.connect_is_active_notify(move |w| {
            if w.is_active() {
                u.share.borrow_mut().unread = 0;
                u.refresh_chat_buttons();
            }
        });
        let u = ui.clone();
        ui.main.connect_close_request(move |_| {
            // Closing the app ends the share.
            u.command(ShareCommand::End);
            glib::Propagation::Proceed
        });
        ui
    }

    /// Shows the main window.
    pub fn show(&self) {
        self.main.present();
    }

    /// Opens the device channel (background mode): offers arrive in the window.
    pub fn open_channel(self: Rc<Self>) {
        let (tx, mut rx) = mpsc::unbounded_channel();
        *self.channel.borrow_mut() = Some(offers::start(&self.settings, tx));
        glib::spawn_future_local(async move {
            while let Some(event) = rx.recv().await {
                match event {
                    ChannelEvent::Offer(offer) => self.on_offer(offer),
                    // Logged by the channel; codes can still be typed.
                    ChannelEvent::Stopped => *self.channel.borrow_mut() = None,
                }
            }
        });
    }

    /// A helper's offer: the window names them (a notification says so too), Accept or Decline.
    /// While a share runs, or while another offer waits for an answer, a new one is not shown
    /// (the helper's page says "asked" until its code expires).
    fn on_offer(&self, offer: Offer) {
        if self.share.borrow().commands.is_some() {
            tracing::info!(session = %offer.session_id, "an offer arrived during a share; not shown");
            return;
        }
        if let Some(shown) = self.offer.borrow().as_ref() {
            if shown.session_id != offer.session_id {
                tracing::info!(session = %offer.session_id, "an offer arrived while another waits; not shown");
            }
            return;
        }
        let tr = &self.tr;
        let h = &offer.helper;
        let heading = tr.t1("app-offer-heading", "helper", &h.name);
        self.offer_heading.set_markup(&format!(
            "<big><b>{}</b></big>",
            glib::markup_escape_text(&heading)
        ));
        self.offer_heading.set_selectable(true);
        replace_child(&self.offer_avatar, &picture(tr, &h.name));
        self.offer_name
            .set_markup(&format!("<b>{}</b>", glib::markup_escape_text(&h.name)));
        shown(&self.offer_job, h.title.as_deref());
        shown(&self.offer_company, h.company.as_deref());
        shown(&self.offer_email, Some(&h.email));

        let n = gio::Notification::new(&heading);
        n.set_body(Some(&tr.t("app-offer-notification")));
        n.set_priority(gio::NotificationPriority::High);
        n.set_default_action("app.offer-show");
        let id = offer.session_id.to_variant();
        n.add_button_with_target_value(&tr.t("app-offer-decline"), "app.offer-decline", Some(&id));
        n.add_button_with_target_value(&tr.t("app-offer-accept"), "app.offer-accept", Some(&id));
        self.app.send_notification(Some(OFFER_NOTIFICATION), &n);

        *self.offer.borrow_mut() = Some(offer);
        self.code_status.set_text("");
        self.stack.set_visible_child_name("offer");
        // As in the consent dialog: no default button, the focus on the words, so that a key
        // press in flight answers nothing.
        self.main.set_default_widget(None::<&gtk::Widget>);
        self.main.present();
        self.offer_heading.select_region(0, 0);
        GtkWindowExt::set_focus(&self.main, Some(&self.offer_heading));
    }

    /// Takes the offer shown, if it is `id` (any, for `None`), and withdraws its notification.
    fn take_offer(&self, id: Option<&str>) -> Option<Offer> {
        let mut offer = self.offer.borrow_mut();
        if id.is_some_and(|id| offer.as_ref().is_none_or(|o| o.session_id != id)) {
            return None;
        }
        let taken = offer.take()?;
        self.app.withdraw_notification(OFFER_NOTIFICATION);
        self.main.set_default_widget(Some(&self.connect));
        Some(taken)
    }

    /// Accept: the session is joined with the offer's code, as if the person had typed it.
    fn accept_offer(self: Rc<Self>, id: Option<&str>) {
        let Some(offer) = self.take_offer(id) else {
            return;
        };
        self.stack.set_visible_child_name("code");
        self.main.present();
        self.start_share(offer.code);
    }

    /// Decline: the helper's page says so at once (through the device channel).
    fn decline_offer(&self, id: Option<&str>) {
        let Some(offer) = self.take_offer(id) else {
            return;
        };
        let told = self
            .channel
            .borrow()
            .as_ref()
            .is_some_and(|c| c.decline(&offer.session_id));
        if !told {
            tracing::warn!(session = %offer.session_id, "the decline could not be sent");
        }
        self.stack.set_visible_child_name("code");
        self.code_status.set_text(&self.tr.t("app-offer-declined"));
        self.code_entry.grab_focus();
    }

    fn command(&self, c: ShareCommand) {
        if let Some(tx) = &self.share.borrow().commands {
            let _ = tx.send(c);
        }
    }

    fn connect(self: Rc<Self>) {
        let typed = self.code_entry.text();
        if let Some(key) = local_error(&typed) {
            self.code_status.set_text(&self.tr.t(key));
            self.code_entry.grab_focus();
            return;
        }
        self.start_share(typed.to_string());
    }

    /// Joins the session with `code` (typed, or an accepted offer's).
    fn start_share(self: Rc<Self>, code: String) {
        self.code_status.set_text(&self.tr.t("app-connecting"));
        self.connect.set_sensitive(false);
        self.code_entry.set_sensitive(false);
        let (tx, mut rx) = mpsc::unbounded_channel();
        let commands = bridge::start(&self.settings, code, tx);
        *self.share.borrow_mut() = Share {
            commands: Some(commands),
            ..Share::default()
        };
        let ui = self.clone();
        glib::spawn_future_local(async move {
            while let Some(event) = rx.recv().await {
                ui.on_event(event);
            }
        });
    }

    fn on_event(&self, event: AppEvent) {
        match event {
            AppEvent::Share(share) => match *share {
                ShareEvent::Joined(view) => {
                    self.show_trust(&view);
                    self.on_view(view);
                }
                ShareEvent::View(view) => self.on_view(view),
                ShareEvent::Chat { text, .. } => self.on_chat(&text),
                // The library's notes are the terminal's English sentences: logged, not shown
                // (what they say, the windows say in the sharer's language).
                ShareEvent::Note(text) => tracing::info!(%text, "agent"),
            },
            AppEvent::Failed { key, detail } => {
                let key = if self.tr.has(&key) {
                    key
                } else {
                    "live-error".to_owned()
                };
                let mut text = self.tr.t(&key);
                if key == "live-error" {
                    text = format!("{text} {detail}");
                }
                self.back_to_code(&text);
            }
            AppEvent::Finished(finish) => {
                let text = match finish {
                    Finish::Stopped => self.tr.t("live-you-ended"),
                    Finish::Lost => self.tr.t("live-connection-lost"),
                    Finish::Over(_) => self.over_text(),
                };
                self.back_to_code(&text);
            }
        }
    }

    fn show_trust(&self, view: &SessionView) {
        let tr = &self.tr;
        let helper = view.helper.clone().unwrap_or_else(|| Profile {
            id: String::new(),
            full_name: tr.t("live-role-helper"),
            job_title: None,
            company: None,
            picture_url: None,
            email_domain: String::new(),
            domain_verified: false,
        });
        self.share.borrow_mut().helper = helper.full_name.clone();
        replace_child(&self.avatar, &picture(tr, &helper.full_name));
        self.name.set_markup(&format!(
            "<big><b>{}</b></big>",
            glib::markup_escape_text(&helper.full_name)
        ));
        shown(&self.job, helper.job_title.as_deref());
        shown(&self.company, helper.company.as_deref());
        let domain = match (helper.email_domain.as_str(), helper.domain_verified) {
            ("", _) => String::new(),
            (d, true) => format!("✔ {}: {d}", tr.t("live-verified-domain")),
            (d, false) => format!("⚠ {}: {d}", tr.t("live-unverified-domain")),
        };
        shown(&self.domain, Some(&domain));
        self.stack.set_visible_child_name("trust");
        self.code_status.set_text("");
    }

    fn on_view(&self, view: SessionView) {
        let tr = &self.tr;
        let state = match (view.state, view.active_mode) {
            (StateName::Requested, _) => tr.t("live-sharer-state-requested"),
            (_, Some(_)) => tr.t("live-sharer-state-active"),
            _ => tr.t("live-sharer-state-joined"),
        };
        self.trust_state.set_text(&state);
        if view.active_mode != Some(Mode::Control) {
            // Back to view because the sharer took control back (the server's word), or control
            // is over for another reason.
            self.share.borrow_mut().control_stopped =
                view.active_mode == Some(Mode::View) && view.control_stopped_at.is_some();
        }
        let asked = (view.state == StateName::Requested && !view.is_over())
            .then(|| view.mode.unwrap_or(Mode::View));
        self.share.borrow_mut().view = Some(view);
        match asked {
            Some(mode) => self.ask(mode),
            None => self.close_consent(),
        }
        self.refresh_indicator();
    }

    /// The consent dialog: Allow / Deny, naming the helper and what is asked. No button is the
    /// default and the focus starts on the question, so a key press in flight answers nothing.
    fn ask(&self, mode: Mode) {
        if self.consent.borrow().is_some() {
            return;
        }
        let tr = &self.tr;
        let helper = self.share.borrow().helper.clone();
        let question = match mode {
            Mode::Control => tr.t1("app-consent-control", "helper", &helper),
            Mode::View => tr.t1("app-consent-view", "helper", &helper),
        };
        let dialog: gtk::Window =
            accessible("GtkWindow", &tr.t("app-consent-title"), Some(&question));
        dialog.set_title(Some(&tr.t("app-consent-title")));
        dialog.set_transient_for(Some(&self.main));
        dialog.set_modal(true);
        dialog.set_deletable(false);
        dialog.set_resizable(false);
        let b = vbox();
        let q = label("");
        q.set_markup(&format!("<b>{}</b>", glib::markup_escape_text(&question)));
        q.set_selectable(true);
        let help = label(&tr.t("live-consent-help"));
        let row = hbox();
        row.set_halign(gtk::Align::End);
        let deny = button(&tr.t("live-deny"));
        let allow = button(&tr.t("live-allow"));
        row.append(&deny);
        row.append(&allow);
        b.append(&q);
        b.append(&help);
        b.append(&row);
        dialog.set_child(Some(&b));
        dialog.set_default_widget(None::<&gtk::Widget>);
        dialog.connect_close_request(|_| glib::Propagation::Stop);
        for (btn, allow) in [(&allow, true), (&deny, false)] {
            let tx = self.share.borrow().commands.clone();
            let d = dialog.clone();
            btn.connect_clicked(move |_| {
                if let Some(tx) = &tx {
                    let _ = tx.send(ShareCommand::Answer(allow));
                }
                // Hidden now, destroyed once by `close_consent` when the session moves on: a
                // window destroyed here and again there upset GTK 4.8's accessibility bridge.
                d.set_visible(false);
            });
        }
        dialog.present();
        q.select_region(0, 0);
        GtkWindowExt::set_focus(&dialog, Some(&q));
        *self.consent.borrow_mut() = Some(dialog);
    }

    fn close_consent(&self) {
        if let Some(d) = self.consent.borrow_mut().take() {
            d.destroy();
        }
    }

    fn refresh_indicator(&self) {
        let tr = &self.tr;
        let share = self.share.borrow();
        let active = share
            .view
            .as_ref()
            .filter(|v| !v.is_over())
            .and_then(|v| v.active_mode);
        let Some(mode) = active else {
            self.indicator.set_visible(false);
            return;
        };
        let control = mode == Mode::Control && !share.control_stopped;
        let text = if control {
            tr.t1("app-sharing-control", "helper", &share.helper)
        } else {
            tr.t1("app-sharing-view", "helper", &share.helper)
        };
        self.indicator_label
            .set_markup(&format!("<b>{}</b>", glib::markup_escape_text(&text)));
        self.stop_control.set_visible(control);
        self.pause.set_label(&tr.t(if share.paused {
            "app-resume"
        } else {
            "app-pause"
        }));
        let note = match (share.paused, share.control_stopped) {
            (true, _) => tr.t("app-paused"),
            (false, true) => tr.t("app-control-stopped"),
            _ => String::new(),
        };
        self.indicator_note.set_text(&note);
        self.indicator.set_visible(true);
    }

    fn over_text(&self) -> String {
        let tr = &self.tr;
        let share = self.share.borrow();
        let Some(view) = share.view.as_ref() else {
            return tr.t("app-session-over");
        };
        match (view.state, view.end_reason) {
            (StateName::Denied, _) => tr.t("live-you-denied"),
            (StateName::Expired, _) => tr.t("live-state-expired"),
            (_, Some(r)) if r.to_string() == "sharer_ended" => tr.t("live-you-ended"),
            (_, Some(r)) if r.to_string() == "helper_ended" => tr.t("live-helper-ended"),
            (_, Some(r)) => format!(
                "{} ({})",
                tr.t("app-session-over"),
                tr.t(&format!("live-reason-{r}"))
            ),
            (_, None) => tr.t("app-session-over"),
        }
    }

    fn back_to_code(&self, text: &str) {
        self.close_consent();
        *self.share.borrow_mut() = Share::default();
        self.indicator.set_visible(false);
        self.stack.set_visible_child_name("code");
        self.code_entry.set_text("");
        self.code_entry.set_sensitive(true);
        self.connect.set_sensitive(true);
        self.code_status.set_text(text);
        self.main.present();
        self.code_entry.grab_focus();
    }

    fn show_chat(&self) {
        self.chat.present();
        self.chat_entry.grab_focus();
    }

    fn append_chat(&self, who: &str, text: &str) {
        let row = gtk::Box::new(gtk::Orientation::Vertical, 2);
        let from = label("");
        from.set_markup(&format!(
            "<small><b>{}</b></small>",
            glib::markup_escape_text(who)
        ));
        // The text's own direction, as `dir=auto`: Pango sets each paragraph's direction from
        // its first strong character.
        let body = label(text);
        body.set_selectable(true);
        row.append(&from);
        row.append(&body);
        self.chat_log.append(&row);
        let adj = self.chat_scroll.vadjustment();
        glib::idle_add_local_once(move || adj.set_value(adj.upper()));
    }

    fn on_chat(&self, text: &str) {
        let helper = self.share.borrow().helper.clone();
        self.append_chat(&helper, text);
        if !self.chat.is_active() {
            self.share.borrow_mut().unread += 1;
            self.refresh_chat_buttons();
            let n = gio::Notification::new(&self.tr.t1("app-chat-new", "helper", &helper));
            n.set_body(Some(text));
            self.app.send_notification(Some("chat"), &n);
            if !self.chat.is_visible() {
                self.chat.set_visible(true);
            }
        }
    }

    fn refresh_chat_buttons(&self) {
        let unread = self.share.borrow().unread;
        let text = match unread {
            0 => self.tr.t("app-chat-open"),
            n => format!("{} ({n})", self.tr.t("app-chat-open")),
        };
        for b in &self.chat_buttons {
            b.set_label(&text);
        }
    }

    fn send_chat(&self) {
        let text = self.chat_entry.text().trim().to_owned();
        if text.is_empty() || self.share.borrow().commands.is_none() {
            return;
        }
        self.command(ShareCommand::Chat(text.clone()));
        self.append_chat(&self.tr.t("live-chat-you"), &text);
        self.chat_entry.set_text("");
    }
}
