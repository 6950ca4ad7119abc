// Plugin registry: name → factory. Out-of-tree plugins register here too.
import type { AnyPlugin, Handle, PluginArgs } from './interface.js';

export type PluginFactory = (args: PluginArgs, handle: Handle) => AnyPlugin;

/** Contract: maps plugin names to factories; registering a name twice throws. */
export class Registry {
  private factories = new Map<string, PluginFactory>();
  register(name: string, f: PluginFactory): this {
    if (this.factories.has(name)) throw new Error(`plugin ${name} already registered`);
    this.factories.set(name, f);
    return this;
  }
  get(name: string): PluginFactory | undefined {
    return this.factories.get(name);
  }
  names(): string[] {
    return [...this.factories.keys()];
  }
}
