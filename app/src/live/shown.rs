//! An island's content for as long as its page is shown.
//!
//! Leptos keeps the view state of every island it hydrates for the life of the document
//! (the island's hydrate function forgets it), and with it every node, effect, signal and
//! row the island made. A tab that puts another page's `<main>` in place ([`crate::nav`])
//! would leave all of that behind on every move. An island whose content is wrapped in
//! [`while_shown`] gives it up when its page goes ([`super::new_page`]): its view state is
//! dropped and its reactive owner cleaned up, so what Leptos keeps of it is an empty cell.
//!
//! The wrapper only hydrates (islands are never built in the browser); building and
//! rebuilding pass through to the content and cost nothing unless something calls them.
use leptos::reactive::owner::Owner;
use leptos::tachys::html::attribute::{any_attribute::AnyAttribute, Attribute};
use leptos::tachys::hydration::Cursor;
use leptos::tachys::reactive_graph::OwnedView;
use leptos::tachys::renderer::types::{Element, Node};
use leptos::tachys::ssr::StreamBuilder;
use leptos::tachys::view::{add_attr::AddAnyAttr, Mountable, Position, PositionState, Render, RenderHtml};
use std::cell::RefCell;
use std::rc::Rc;

/// See the module: the content `view`, made under `owner`.
pub struct WhileShown<V> {
    owner: Owner,
    view: V,
}

/// Makes an island's content (everything its body creates: signals, listeners, the view)
/// under an owner of its own, to be given up when its page goes.
pub fn while_shown<V>(content: impl FnOnce() -> V) -> WhileShown<V> {
    let owner = crate::components::detached_owner();
    let view = owner.with(content);
    WhileShown { owner, view }
}

/// The content's state while its page is shown; empty after. Boxed, so that what Leptos keeps
/// of a gone island is a few bytes, not the size of its view's state.
pub struct WhileShownState<S> {
    state: Rc<RefCell<Option<Box<Shown<S>>>>>,
}

/// The content's view state and its owner.
type Shown<S> = (S, Owner);

impl<S: 'static> WhileShownState<S> {
    fn new(state: S, owner: Owner) -> Self {
        let state = Rc::new(RefCell::new(Some(Box::new((state, owner)))));
        #[cfg(feature = "hydrate")]
        {
            let held = Rc::clone(&state);
            GONE.with(|gone| {
                gone.borrow_mut().push(Box::new(move || {
                    // Its nodes are in the swapped-out `<main>`: nothing to unmount.
                    if let Some(gone) = held.borrow_mut().take() {
                        let (state, owner) = *gone;
                        drop(state);
                        owner.cleanup();
                    }
                }))
            });
        }
        WhileShownState { state }
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// What gives up the shown page's island contents.
    static GONE: RefCell<Vec<Box<dyn FnOnce()>>> = const { RefCell::new(Vec::new()) };
}

/// The shown page went: its islands give up their content.
#[cfg(feature = "hydrate")]
pub(super) fn page_gone() {
    for give_up in GONE.with(|gone| std::mem::take(&mut *gone.borrow_mut())) {
        give_up();
    }
}

impl<V> Render for WhileShown<V>
where
    V: Render,
    V::State: 'static,
{
    type State = WhileShownState<V::State>;

    fn build(self) -> Self::State {
        let state = self.owner.with(|| self.view.build());
        WhileShownState::new(state, self.owner)
    }

    fn rebuild(self, state: &mut Self::State) {
        // After the page went there is nothing to show.
        if let Some(shown) = &mut *state.state.borrow_mut() {
            let (old, owner) = &mut **shown;
            self.owner.with(|| self.view.rebuild(old));
            std::mem::replace(owner, self.owner).cleanup();
        }
    }
}

/// An attribute spread onto the wrapper goes onto the content, which keeps its owner but is
/// then no longer given up with its page (Leptos adds none to an island's content).
impl<V> AddAnyAttr for WhileShown<V>
where
    V: AddAnyAttr,
{
    type Output<SomeNewAttr: Attribute> = OwnedView<V::Output<SomeNewAttr>>;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        OwnedView::new_with_owner(self.view.add_any_attr(attr), self.owner)
    }
}

impl<V> RenderHtml for WhileShown<V>
where
    V: RenderHtml,
    V::State: 'static,
{
    // Resolving and owning are for rendering on the server, where nothing is given up; the
    // content keeps its owner until it is written.
    type AsyncOutput = OwnedView<V::AsyncOutput>;
    type Owned = OwnedView<V::Owned>;

    const MIN_LENGTH: usize = V::MIN_LENGTH;

    fn dry_resolve(&mut self) {
        self.owner.with(|| self.view.dry_resolve());
    }

    async fn resolve(self) -> Self::AsyncOutput {
        let WhileShown { owner, view } = self;
        let view = owner.with(|| leptos::reactive::computed::ScopedFuture::new(view.resolve())).await;
        OwnedView::new_with_owner(view, owner)
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.owner.with(|| self.view.to_html_with_buf(buf, position, escape, mark_branches, extra_attrs));
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut StreamBuilder,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) where
        Self: Sized,
    {
        self.owner.with(|| {
            self.view.to_html_async_with_buf::<OUT_OF_ORDER>(buf, position, escape, mark_branches, extra_attrs)
        });
        // What streams later still reads the content's signals: they go with the page's owner.
        Owner::on_cleanup(move || drop(self.owner));
    }

    fn hydrate<const FROM_SERVER: bool>(self, cursor: &Cursor, position: &PositionState) -> Self::State {
        let state = self.owner.with(|| self.view.hydrate::<FROM_SERVER>(cursor, position));
        WhileShownState::new(state, self.owner)
    }

    fn into_owned(self) -> Self::Owned {
        OwnedView::new_with_owner(self.view.into_owned(), self.owner)
    }
}

impl<S: Mountable> Mountable for WhileShownState<S> {
    fn unmount(&mut self) {
        if let Some(shown) = &mut *self.state.borrow_mut() {
            shown.0.unmount();
        }
    }

    fn mount(&mut self, parent: &Element, marker: Option<&Node>) {
        if let Some(shown) = &mut *self.state.borrow_mut() {
            shown.0.mount(parent, marker);
        }
    }

    fn insert_before_this(&self, child: &mut dyn Mountable) -> bool {
        self.state.borrow().as_ref().is_some_and(|shown| shown.0.insert_before_this(child))
    }

    fn elements(&self) -> Vec<Element> {
        self.state.borrow().as_ref().map(|shown| shown.0.elements()).unwrap_or_default()
    }
}
