// Playwright helpers for the VS Code 1.100 workbench served by code-server.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Monaco renders spaces as U+00A0; compare text the way a person reads it. */
export const plain = (s) => s.replace(/\u00a0/g, ' ');

export class Workbench {
  constructor(page) {
    this.page = page;
  }

  async open(url) {
    await this.page.goto(url, { timeout: 90_000 }); // a busy 2-core machine can take longer than the default 30 s
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.part.activitybar').waitFor({ timeout: 60_000 });
  }

  async dismissNotifications() {
    await this.runCommand('Notifications: Clear All Notifications').catch(() => {});
  }

  async quickInput(prefix, text, optionText, { timeout = 15_000 } = {}) {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout });
    await input.fill(prefix + text);
    const option = this.page.locator('.quick-input-list [role="option"]').filter({ hasText: optionText ?? text }).first();
    await option.waitFor({ timeout });
    // Not a click: it can land while the list re-renders. Move the highlight to the row whose
    // label is exactly what we want (recently used entries may sort above it), then Enter.
    const labels = await this.page.locator('.quick-input-list [role="option"]').evaluateAll((els) =>
      els.map((e) => (e.querySelector('.label-name')?.textContent ?? e.textContent).replace(/\u00a0/g, ' ').trim()));
    const index = Math.max(0, labels.indexOf(optionText ?? text));
    for (let i = 0; i < index; i++) await this.page.keyboard.press('ArrowDown');
    await this.page.keyboard.press('Enter');
  }

  /** Runs a palette command by its "Category: Title" label. */
  async runCommand(label, { timeout = 60_000 } = {}) {
    // On a busy machine the F1 can land while a dialog closes or focus moves, and the palette
    // never opens (or opens before its commands are listed): open it again until the command is
    // offered, within one overall bound. Nothing runs before Enter, so a retry never runs it twice.
    const started = Date.now();
    const deadline = started + timeout;
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('F1');
      try {
        await this.quickInput('>', label, label, { timeout: Math.max(2_000, Math.min(15_000, deadline - Date.now())) });
        if (attempt > 1) console.log(`  [workbench] palette: "${label}" ran on attempt ${attempt}, ${Date.now() - started} ms after the first F1`);
        return;
      } catch (err) {
        if (Date.now() >= deadline) throw err;
        console.log(`  [workbench] palette: "${label}" not run on attempt ${attempt} (${String(err?.message ?? err).split('\n')[0]}); opening it again`);
      }
    }
  }

  /** Labels the command palette offers for a query (empty when nothing matches). */
  async paletteOptions(query) {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>' + query);
    // Give the list a moment to filter; the "no matching commands" row or options appear.
    await this.page.waitForTimeout(800);
    const labels = await this.page.locator('.quick-input-list [role="option"]').allInnerTexts();
    await this.page.keyboard.press('Escape');
    return labels.map(plain);
  }

  /** Opens a workspace file through Quick Open and waits until its editor is the active one. */
  async openFile(fileName) {
    // Quick Open's file index can lag behind a file created a moment ago: ask again once.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('Control+P');
      try {
        await this.quickInput('', fileName, fileName, { timeout: 10_000 });
        await this.page.locator('.tabs-container .tab.active', { hasText: fileName }).waitFor({ timeout: 10_000 });
        break;
      } catch (err) {
        if (attempt === 2) throw err;
      }
    }
    await this.activeEditor().locator('.view-lines').waitFor();
  }

  /** Scrolls the active editor so 1-based `line` is in view; waits for the status bar to say so. */
  async goToLine(line, { timeout = 60_000 } = {}) {
    // The same: until the cursor is on the line (the status bar says so), within one bound.
    const deadline = Date.now() + timeout;
    for (;;) {
      try {
        await this.page.keyboard.press('Escape');
        // Focus the editor (clicking its tab does, without touching text or lenses).
        await this.page.locator('.editor-group-container.active .tabs-container .tab.active').click({ timeout: 10_000 });
        await this.page.keyboard.press('Control+G');
        const input = this.page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(`:${line}`);
        await this.page.keyboard.press('Enter');
        await this.page.locator('.part.statusbar .statusbar-item', { hasText: new RegExp(`^Ln ${line},`) }).first().waitFor({ timeout: 10_000 });
        return;
      } catch (err) {
        if (Date.now() >= deadline) throw err;
      }
    }
  }

  /** Opens a migration by clicking its row in the Migrations view (label "<version> <name>"). */
  async openFromTree(label, fileName) {
    const row = this.page.locator('.part.sidebar [role="treeitem"]').filter({ has: this.page.locator('.label-name', { hasText: label }) }).first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await this.page.locator('.tabs-container .tab.active', { hasText: fileName }).waitFor({ timeout: 15_000 });
    await this.activeEditor().locator('.view-lines').waitFor();
  }

  activeEditor() {
    return this.page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
  }

  async editorText() {
    const lines = await this.activeEditor().locator('.view-line').evaluateAll((els) =>
      els.map((e) => ({ top: parseFloat(e.style.top) || 0, text: e.textContent })).sort((a, b) => a.top - b.top).map((l) => l.text));
    return plain(lines.join('\n'));
  }

  /**
   * Texts of the CodeLens entries of the active editor, one per lens, in document order.
   * Lenses on one line share a decoration ("a | b"); each lens is its own <a> or <span> in it.
   */
  async codeLensTexts() {
    const decorations = this.activeEditor().locator('.codelens-decoration');
    const items = await decorations.evaluateAll((els) => els.map((e) => ({
      top: e.getBoundingClientRect().top,
      texts: [...e.children].filter((c) => c.matches('a, span')).map((c) => c.textContent),
    })));
    return items.sort((a, b) => a.top - b.top).flatMap((i) => i.texts.map(plain));
  }

  codeLens(text) {
    return this.activeEditor().locator('.codelens-decoration a', { hasText: text }).first();
  }

  /** Opens a view container from the activity bar by its title. */
  async showContainer(title) {
    const tab = this.page.getByRole('tab', { name: new RegExp(title) }).first();
    await tab.waitFor({ timeout: 30_000 });
    // Clicking the selected tab hides the side bar. Right after a window reload VS Code may still be
    // restoring the side bar when we click (seen once: the click and the restore together left it
    // hidden), so wait for the end state, clicking again while the tab is not selected.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const selected = (await tab.getAttribute('aria-selected')) === 'true';
      if (selected && (await this.page.locator('.part.sidebar').isVisible())) return;
      if (Date.now() > deadline) throw new Error(`the "${title}" container did not show (tab selected: ${selected})`);
      if (!selected) await tab.click();
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Drags the side bar's edge so it is `width` pixels wide (tree descriptions stay readable). */
  async resizeSideBar(width) {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (!box) return;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 8 });
    await this.page.mouse.up();
  }

  /**
   * Expands every collapsed group of the Migrations view (batches start collapsed). The view keeps
   * a group's state by its id, so they stay open across refreshes.
   */
  async expandTreeGroups() {
    for (let round = 0; round < 5; round++) {
      const twisties = this.page.locator('.part.sidebar [role="treeitem"][aria-expanded="false"] .monaco-tl-twistie.collapsible');
      const n = await twisties.count();
      if (n === 0) return;
      // A click event on the twistie element itself, not at its coordinates: rows move while the
      // view refreshes, and a click that lands on a migration row opens that file instead.
      for (let i = n - 1; i >= 0; i--) await twisties.nth(i).dispatchEvent('click', undefined, { timeout: 5_000 }).catch(() => {});
    }
  }

  /** A tree row's expansion: true, false, or null for a row without children. */
  async treeRowExpanded(label) {
    const value = await this.treeRow(label).getAttribute('aria-expanded', { timeout: 15_000 });
    return value === null ? null : value === 'true';
  }

  /** Each tree item in the visible side bar as "label description" (single spaces). */
  async sideBarTreeItems() {
    const rows = await this.page.locator('.part.sidebar [role="treeitem"]').evaluateAll((els) => els.map((e) => [
      e.querySelector('.label-name')?.textContent ?? e.textContent,
      e.querySelector('.label-description')?.textContent ?? '',
    ]));
    return rows.map(([label, description]) => plain(`${label} ${description}`).replace(/\s+/g, ' ').trim());
  }

  async showProblems() {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible().catch(() => false))) {
      await this.runCommand('View: Focus Problems');
    }
    await panel.waitFor({ timeout: 10_000 });
  }

  /** Problems panel rows: the text shown and the accessible label (which includes line and column). */
  async problems() {
    return this.page.locator('.markers-panel [role="treeitem"]').evaluateAll((els) =>
      els.map((e) => ({ text: e.innerText.replace(/\s+/g, ' ').trim(), label: e.getAttribute('aria-label') ?? '' })));
  }

  /** Every toast on screen now: its message and its buttons, top to bottom. */
  async toasts() {
    return this.page.locator('.notifications-toasts .notification-toast-container').evaluateAll((els) => els.map((e) => ({
      message: (e.querySelector('.notification-list-item-message')?.textContent ?? '').replace(/\u00a0/g, ' ').trim(),
      buttons: [...e.querySelectorAll('.notification-list-item-buttons-container .monaco-button')].map((b) => b.textContent.trim()),
    })));
  }

  /** Clicks a button of the toast whose message contains `text`. */
  async clickToastButton(text, button) {
    const toast = this.page.locator('.notifications-toasts .notification-toast-container', { hasText: text }).first();
    await toast.waitFor({ timeout: 15_000 });
    await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: button }).first().click();
  }

  async notifications() {
    return (await this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map(plain);
  }

  /** The tokens of the first editor line containing `lineText`: [text, class, colour]. */
  async lineTokens(lineText) {
    const line = this.activeEditor().locator('.view-line').filter({ hasText: lineText }).first();
    await line.waitFor({ timeout: 10_000 });
    return line.locator('span > span').evaluateAll((els) => els.map((e) => [e.textContent.replace(/\u00a0/g, ' '), e.className, getComputedStyle(e).color]));
  }

  /**
   * TextMate scopes of the token under `tokenText` on the first line containing `lineText`, innermost
   * first, read from "Developer: Inspect Editor Tokens and Scopes".
   */
  async tokenScopes(lineText, tokenText) {
    const line = this.activeEditor().locator('.view-line').filter({ hasText: lineText }).first();
    const token = line.locator('span > span', { hasText: tokenText }).first();
    const box = await token.boundingBox();
    await this.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await this.runCommand('Developer: Inspect Editor Tokens and Scopes');
    const widget = this.page.locator('.token-inspect-widget');
    await widget.waitFor({ timeout: 10_000 });
    const scopes = await widget.locator('.tiw-metadata-scopes').innerText();
    await this.page.keyboard.press('Escape');
    return scopes.split('\n').map((s) => s.trim()).filter(Boolean);
  }

  /** Clicks a button of the modal dialog (confirmations). */
  async answerDialog(buttonText) {
    const button = this.page.locator('.monaco-dialog-box .dialog-buttons a, .monaco-dialog-box .dialog-buttons button', { hasText: buttonText }).first();
    await button.waitFor({ timeout: 10_000 });
    await button.click();
  }

  /** The Migrations view's row whose label is `label` (exactly, or matching a RegExp). */
  treeRow(label) {
    const hasText = typeof label === 'string' ? new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s')}$`) : label;
    return this.page.locator('.part.sidebar [role="treeitem"]').filter({ has: this.page.locator('.label-name', { hasText }) }).first();
  }

  /** Right-clicks a tree row and picks `item` from its context menu. */
  async treeContextMenu(label, item) {
    const row = this.treeRow(label);
    await row.waitFor({ timeout: 15_000 });
    await row.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu');
    await menu.waitFor({ timeout: 10_000 });
    // Keys, not a click: a click can land while the menu is still being laid out and get lost.
    const labels = (await menu.locator('.action-item:not(.disabled) .action-label').allInnerTexts()).map((t) => plain(t).trim());
    const index = labels.indexOf(item);
    if (index < 0) throw new Error(`no "${item}" in the context menu ${JSON.stringify(labels)}`);
    for (let i = 0; i <= index; i++) await this.page.keyboard.press('ArrowDown');
    await menu.locator('.action-item.focused', { hasText: item }).waitFor({ timeout: 5_000 });
    await this.page.keyboard.press('Enter');
    await menu.waitFor({ state: 'detached', timeout: 10_000 });
  }

  /** The open modal dialog's text (message and detail), spaces collapsed. */
  async dialogText() {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15_000 });
    return plain(await dialog.innerText());
  }

  async save() {
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
  }
}
