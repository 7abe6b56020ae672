import { Store } from "../../../host/store/store";

/**
 * The real store with some methods replaced: how a twin weakens the host without a switch in
 * the product. Every other method is the real one, bound to the real store.
 */
export function storeOverriding(store: Store, overrides: Partial<Store>): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (Object.prototype.hasOwnProperty.call(overrides, property)) return overrides[property as keyof Store];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
