'use client';

import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * The state of a two-step button (Stop, Delete, Roll back…): open shows the confirmation; Cancel or Escape closes
 * it and gives the focus back to the button that opened it, so keyboard users stay where they were.
 */
export function useInlineConfirm(onCancel?: () => void) {
  const [confirming, setConfirming] = useState(false);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);
  const cancelRef = useRef(onCancel);
  cancelRef.current = onCancel;

  const cancel = useCallback(() => {
    refocus.current = true;
    setConfirming(false);
    cancelRef.current?.();
  }, []);

  useEffect(() => {
    if (!confirming) {
      if (refocus.current) triggerRef.current?.focus();
      refocus.current = false;
      return;
    }
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      cancel();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [confirming, cancel]);

  return { confirming, open: () => setConfirming(true), done: () => setConfirming(false), cancel, triggerRef };
}
