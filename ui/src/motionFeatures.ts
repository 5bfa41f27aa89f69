// Loaded lazily by <LazyMotion> so the animation engine is not in the initial bundle.
import { domAnimation } from 'framer-motion'

export default domAnimation
